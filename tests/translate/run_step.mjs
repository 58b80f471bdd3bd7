// Run fixture workflow steps' original TypeScript execute under real Mastra, for the step
// translation differential tests.
//
// Usage: node --import tsx run_step.mjs <project-dir> <cases.json> <loopback-url> <fake-llm-url>
//
// <project-dir> is a copy of a fixture whose node_modules holds @mastra/core, @mastra/libsql and
// zod (the recorder links a Mastra install there). Each case runs its step alone in a one-step
// workflow (the step's own input and output schemas) registered with a Mastra instance on an
// in-memory LibSQL store, with the agents the step looks up answering from the fake LLM server;
// a case with `resumeData` resumes the suspended step once. A seeded case runs stand-ins for the
// earlier steps it reads, then its input, then the step, with the trigger data as workflow input;
// a legacy (0.x) step gets the argument 0.x gave it (load the fixture with --import
// legacy/register.mjs). Every fetch goes to the loopback
// server as in run_tool.mjs. Prints [{status, result?, error?, suspendPayload?, stdout}, ...] in
// case order (stdout: what the step wrote with process.stdout.write).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { captureStdout, current, errorMessage, fakeAgents, redirectFetch, startCase } from './node_io.mjs';

const [projectDir, casesPath, serverUrl, llmUrl] = process.argv.slice(2);
if (!projectDir || !casesPath || !serverUrl || !llmUrl) {
  process.stderr.write('usage: node --import tsx run_step.mjs <project> <cases.json> <url> <llm-url>\n');
  process.exit(2);
}

const req = createRequire(path.join(path.resolve(projectDir), 'package.json'));
const { RequestContext } = req('@mastra/core/request-context');
const { createWorkflow } = req('@mastra/core/workflows');
const { Mastra } = req('@mastra/core');
const { Agent } = req('@mastra/core/agent');
const { LibSQLStore } = req('@mastra/libsql');
const { createStep } = req('@mastra/core/workflows');
const { z } = req('zod');

// A legacy (0.x `new Step`) step on real Mastra 1.x: its execute gets the argument 0.x gave it,
// built from what 1.x gives a step (0.x: context.inputData, context.triggerData,
// context.getStepResult(step | id | 'trigger'), suspend, runtimeContext, mastra, runId).
function legacyStep(step) {
  return createStep({
    id: step.id,
    inputSchema: z.any(),
    outputSchema: z.any(),
    execute: async ({ inputData, getInitData, getStepResult, mastra, requestContext, suspend, runId }) =>
      step.execute({
        context: {
          inputData,
          triggerData: getInitData(),
          getStepResult: (s) => {
            const stepId = typeof s === 'string' ? s : s.id;
            return stepId === 'trigger' ? getInitData() : getStepResult(stepId);
          },
        },
        mastra,
        runtimeContext: requestContext,
        suspend,
        runId,
      }),
  });
}

// earlier steps of a legacy case: each returns the recorded output under its id
function seedStep(stepId, output) {
  return createStep({ id: stepId, inputSchema: z.any(), outputSchema: z.any(), execute: async () => output });
}

redirectFetch(serverUrl, llmUrl);

async function findStep(file, stepId) {
  const mod = await import(pathToFileURL(path.join(path.resolve(projectDir), file)).href);
  for (const value of Object.values(mod)) {
    if (value && typeof value === 'object' && value.steps && value.steps[stepId]) {
      return value.steps[stepId];
    }
    if (value && value.id === stepId && typeof value.execute === 'function') return value;
  }
  return undefined;
}

// what the code prints (process.stdout.write) is part of its behaviour: captured per case
const realWrite = captureStdout();

const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const results = [];
for (const [index, c] of cases.entries()) {
  startCase(index);
  const step = await findStep(c.file, c.stepId);
  if (!step) {
    results.push({ status: 'missing', error: `no step ${c.stepId} in ${c.file}` });
    continue;
  }
  const agents = fakeAgents(Agent, c.agents, llmUrl);
  const id = `diff-${index}`;
  let wf;
  if (c.legacy || c.seed) {
    let chain = createWorkflow({ id, inputSchema: z.any(), outputSchema: z.any() });
    for (const [stepId, output] of Object.entries(c.seed?.stepResults ?? {})) chain = chain.then(seedStep(stepId, output));
    wf = chain.map(async () => c.input).then(c.legacy ? legacyStep(step) : step).commit();
  } else {
    wf = createWorkflow({ id, inputSchema: step.inputSchema, outputSchema: step.outputSchema })
      .then(step)
      .commit();
  }
  const mastra = new Mastra({
    workflows: { [id]: wf },
    agents,
    storage: new LibSQLStore({ id: 'diff-store', url: ':memory:' }),
    logger: false,
  });
  const requestContext = new RequestContext(Object.entries(c.requestContext ?? {}));
  const run = await mastra.getWorkflow(id).createRun();
  let result;
  try {
    result = await run.start({ inputData: c.seed ? c.seed.trigger : c.input, requestContext });
    if (c.resumeData != null && result.status === 'suspended') {
      result = await run.resume({ step: step.id, resumeData: c.resumeData, requestContext });
    }
  } catch (err) {
    results.push({ status: 'thrown', error: errorMessage(err), stdout: current.printed });
    continue;
  }
  const out = { status: result.status };
  if (result.status === 'success') out.result = result.result ?? null;
  if (result.status === 'failed') out.error = errorMessage(result.error);
  if (result.status === 'suspended') out.suspendPayload = result.steps?.[step.id]?.suspendPayload ?? null;
  out.stdout = current.printed;
  results.push(JSON.parse(JSON.stringify(out)));
}
realWrite(JSON.stringify(results));
process.exit(0);
