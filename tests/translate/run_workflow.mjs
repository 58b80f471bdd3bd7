// Run fixture workflows end to end under real Mastra, for the workflow differential tests.
//
// Usage: node --import tsx run_workflow.mjs <project-dir> <cases.json> <loopback-url> <fake-llm-url>
//
// Each case imports a workflow a fixture exports, registers it with a Mastra instance on an
// in-memory LibSQL store (with the agents it looks up answering from the fake LLM server), starts
// a run and resumes it once per listed resume while it is suspended. fetch goes to the loopback
// server and process.stdout is captured, as in run_step.mjs. Prints, in case order,
// [{status, result?, error?, suspended?, steps: {id: {status, output?, suspendPayload?}}, stdout}].

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { captureStdout, current, errorMessage, fakeAgents, redirectFetch, startCase } from './node_io.mjs';

const [projectDir, casesPath, serverUrl, llmUrl] = process.argv.slice(2);
if (!projectDir || !casesPath || !serverUrl || !llmUrl) {
  process.stderr.write('usage: node --import tsx run_workflow.mjs <project> <cases.json> <url> <llm-url>\n');
  process.exit(2);
}

const req = createRequire(path.join(path.resolve(projectDir), 'package.json'));
const { RequestContext } = req('@mastra/core/request-context');
const { Mastra } = req('@mastra/core');
const { Agent } = req('@mastra/core/agent');
const { LibSQLStore } = req('@mastra/libsql');

redirectFetch(serverUrl, llmUrl);

// what the code prints (process.stdout.write) is part of its behaviour: captured per case
const realWrite = captureStdout();

function outcome(result) {
  const out = { status: result.status, steps: {} };
  if (result.status === 'success') out.result = result.result ?? null;
  if (result.status === 'failed') out.error = errorMessage(result.error);
  if (result.status === 'suspended') out.suspended = result.suspended;
  for (const [id, step] of Object.entries(result.steps ?? {})) {
    if (id === 'input') continue;
    const entry = { status: step.status };
    if (step.output !== undefined) entry.output = step.output;
    if (step.suspendPayload !== undefined) entry.suspendPayload = step.suspendPayload;
    out.steps[id] = entry;
  }
  return out;
}

const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const results = [];
for (const [index, c] of cases.entries()) {
  startCase(index);
  const mod = await import(pathToFileURL(path.join(path.resolve(projectDir), c.file)).href);
  const workflow = mod[c.export];
  const agents = fakeAgents(Agent, c.agents, llmUrl);
  const mastra = new Mastra({
    workflows: { [workflow.id]: workflow },
    agents,
    storage: new LibSQLStore({ id: 'diff-store', url: ':memory:' }),
    logger: false,
  });
  const requestContext = new RequestContext(Object.entries(c.requestContext ?? {}));
  const run = await mastra.getWorkflow(workflow.id).createRun();
  try {
    let result = await run.start({ inputData: c.input, requestContext });
    for (const resume of c.resume ?? []) {
      if (result.status !== 'suspended') break;
      result = await run.resume({ step: resume.step, resumeData: resume.resumeData, requestContext });
    }
    results.push(JSON.parse(JSON.stringify({ ...outcome(result), stdout: current.printed })));
  } catch (err) {
    results.push({ status: 'thrown', error: errorMessage(err), stdout: current.printed });
  }
}
realWrite(JSON.stringify(results));
process.exit(0);
