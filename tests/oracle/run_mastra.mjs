// Replay one oracle scenario against real Mastra and print what came back as one JSON document.
//
// Usage: node run_mastra.mjs <scenario.json> <fake-server-base-url>
//
// Packages (@mastra/core 1.71, zod 4) are resolved from the folder named by LUMOS_MASTRA_HOME
// (default /tmp/mastra-scratch), whose node_modules must hold them. The scenario format is described
// in tests/oracle/README.md.
//
// Output on stdout: {"result", "chunks"?, "tool_inputs", "thrown"?}. Values are made JSON-safe here
// (Date -> "<date>", undefined -> "<undefined>", Error -> {"$error": ...}, bytes -> {"$bytes": n},
// functions -> "<function>", circular -> "<circular>"); volatile ids and timestamps are normalised by
// record.py over the whole recording, so ids keep their identity across result, chunks and requests.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [scenarioPath, serverUrl] = process.argv.slice(2);
if (!scenarioPath || !serverUrl) {
  process.stderr.write('usage: node run_mastra.mjs <scenario.json> <fake-server-base-url>\n');
  process.exit(2);
}

const home = path.resolve(process.env.LUMOS_MASTRA_HOME || '/tmp/mastra-scratch');
const requireFromHome = createRequire(path.join(home, 'package.json'));

// The openai/* router model reads these when it is first used.
process.env.OPENAI_BASE_URL = `${serverUrl}/v1`;
process.env.OPENAI_API_KEY = 'test-key';

function load(name) {
  try {
    return requireFromHome(name);
  } catch (err) {
    process.stderr.write(
      `cannot load ${name} from ${home}/node_modules (${err.message}).\n` +
        'Set LUMOS_MASTRA_HOME to a folder where `npm install @mastra/core@1.71.0 zod@4` was run.\n',
    );
    process.exit(3);
  }
}

const { Agent } = load('@mastra/core/agent');
const { createTool } = load('@mastra/core/tools');
const { Mastra } = load('@mastra/core/mastra');
const { InMemoryStore } = load('@mastra/core/storage');
const zodModule = load('zod');
const z = zodModule.z ?? zodModule;

const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));

/** Evaluate a zod expression written in the scenario, with `z` in scope. */
function zod(source, where) {
  try {
    return new Function('z', `"use strict"; return (${source});`)(z);
  } catch (err) {
    throw new Error(`scenario ${scenario.name}: bad zod expression at ${where}: ${err.message}`);
  }
}

const toolInputs = [];

function cloneJson(value) {
  return value === undefined ? '<undefined>' : JSON.parse(JSON.stringify(value));
}

function buildTool(key, spec, agentId) {
  const config = {
    id: spec.id,
    description: spec.description,
    execute: async (input, context) => {
      const resumeData = context?.agent?.resumeData;
      const entry = {
        agent: agentId,
        tool: key,
        toolCallId: context?.agent?.toolCallId ?? null,
        input: cloneJson(input),
      };
      if (resumeData !== undefined) entry.resumeData = cloneJson(resumeData);
      toolInputs.push(entry);
      for (const item of spec.writes || []) {
        // context.writer: write(data) streams tool output, custom(chunk) a data-* chunk
        if ('write' in item) await context.writer.write(item.write);
        else await context.writer.custom(item.custom);
      }
      if ('suspend' in spec && resumeData === undefined) {
        return await context.agent.suspend(spec.suspend);
      }
      if ('throws' in spec) throw new Error(spec.throws);
      if (spec.echo) return input;
      if ('suspend' in spec && !('returns' in spec)) return resumeData;
      return spec.returns;
    },
  };
  if (spec.zod) config.inputSchema = zod(spec.zod, `tools.${key}.zod`);
  if (spec.outputZod) config.outputSchema = zod(spec.outputZod, `tools.${key}.outputZod`);
  if (spec.suspendZod) config.suspendSchema = zod(spec.suspendZod, `tools.${key}.suspendZod`);
  if (spec.resumeZod) config.resumeSchema = zod(spec.resumeZod, `tools.${key}.resumeZod`);
  if (spec.requireApproval !== undefined) config.requireApproval = spec.requireApproval;
  return createTool(config);
}

function buildModel(kind) {
  if (kind === 'openai-router') return 'openai/gpt-4o-mini';
  if (kind === 'custom' || kind === undefined) {
    return { id: 'fake/fake-model', url: `${serverUrl}/v1`, apiKey: 'test-key' };
  }
  throw new Error(`scenario ${scenario.name}: unknown model kind ${JSON.stringify(kind)}`);
}

/** Turn the zod-source strings of an options object into zod schemas. */
function reviveOptions(options, where) {
  const out = { ...(options || {}) };
  if (out.structuredOutput && typeof out.structuredOutput.schema === 'string') {
    out.structuredOutput = {
      ...out.structuredOutput,
      schema: zod(out.structuredOutput.schema, `${where}.structuredOutput.schema`),
    };
  }
  for (const legacy of ['output', 'experimental_output']) {
    if (typeof out[legacy] === 'string') out[legacy] = zod(out[legacy], `${where}.${legacy}`);
  }
  return out;
}

function buildAgent(spec) {
  const tools = {};
  for (const [key, toolSpec] of Object.entries(spec.tools || {})) {
    tools[key] = buildTool(key, toolSpec, spec.id);
  }
  const agents = {};
  for (const [key, sub] of Object.entries(spec.agents || {})) {
    agents[key] = buildAgent({ model: spec.model, ...sub });
  }
  const config = {
    id: spec.id,
    name: spec.name ?? spec.id,
    instructions: spec.instructions,
    model: buildModel(spec.model),
  };
  if (spec.description !== undefined) config.description = spec.description;
  if (Object.keys(tools).length) config.tools = tools;
  if (Object.keys(agents).length) config.agents = agents;
  if (spec.defaultOptions) config.defaultOptions = reviveOptions(spec.defaultOptions, 'defaultOptions');
  return new Agent(config);
}

/** Make any value JSON-safe while keeping the presence and kind of every field. */
function encode(value, seen = new WeakSet()) {
  if (value === undefined) return '<undefined>';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : `<number:${value}>`;
  if (typeof value === 'bigint') return `<bigint:${value}>`;
  if (typeof value === 'function') return '<function>';
  if (typeof value === 'symbol') return '<symbol>';
  if (value instanceof Date) return '<date>';
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    return { $bytes: value.byteLength };
  }
  if (seen.has(value)) return '<circular>';
  seen.add(value);
  try {
    if (value instanceof Error) {
      const out = { $error: value.name, message: value.message };
      for (const key of Object.keys(value)) out[key] = encode(value[key], seen);
      if (value.cause !== undefined) out.cause = encode(value.cause, seen);
      return out;
    }
    if (Array.isArray(value)) return value.map((item) => encode(item, seen));
    if (value instanceof Map) {
      return { $map: [...value.entries()].map(([k, v]) => [encode(k, seen), encode(v, seen)]) };
    }
    if (value instanceof Set) return { $set: [...value].map((v) => encode(v, seen)) };
    if (typeof value.toJSON === 'function') return encode(value.toJSON(), seen);
    const out = {};
    for (const key of Object.keys(value)) out[key] = encode(value[key], seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

// follow-up calls on a suspended run: the stream-returning and the FullOutput-returning ones
const STREAM_RESUMES = new Set(['approveToolCall', 'declineToolCall', 'resumeStream']);
const GENERATE_RESUMES = new Set([
  'approveToolCallGenerate',
  'declineToolCallGenerate',
  'resumeGenerate',
]);

/** Read a stream to its end: every fullStream chunk, then getFullOutput(). */
async function drain(stream, into) {
  const chunks = [];
  for await (const chunk of stream.fullStream) chunks.push(encode(chunk));
  into.chunks = chunks;
  into.result = encode(await stream.getFullOutput());
}

/** One follow-up call: `runId` comes from the previous call unless the step names one. */
async function resume(agent, step, runId) {
  const options = { runId, ...reviveOptions(step.options, 'resume.options') };
  const out = { method: step.method };
  try {
    if (STREAM_RESUMES.has(step.method)) {
      const stream =
        step.method === 'resumeStream'
          ? await agent.resumeStream(step.resumeData, options)
          : await agent[step.method](options);
      await drain(stream, out);
    } else if (GENERATE_RESUMES.has(step.method)) {
      out.result = encode(
        step.method === 'resumeGenerate'
          ? await agent.resumeGenerate(step.resumeData, options)
          : await agent[step.method](options),
      );
    } else {
      throw new Error(`scenario ${scenario.name}: unknown resume method ${JSON.stringify(step.method)}`);
    }
  } catch (err) {
    out.thrown = encode(err);
  }
  return out;
}

async function main() {
  const agent = buildAgent(scenario.agent);
  if (scenario.mastra?.storage === 'in-memory') {
    // registered on a Mastra with storage: where suspended runs keep their snapshots
    new Mastra({ agents: { [scenario.agent.id]: agent }, storage: new InMemoryStore(), logger: false });
  }
  const call = scenario.call;
  const options = reviveOptions(call.options, 'call.options');
  const output = { tool_inputs: toolInputs };
  let runId;
  try {
    if (call.method === 'generate') {
      const result = await agent.generate(call.messages, options);
      runId = result.runId;
      output.result = encode(result);
    } else if (call.method === 'stream') {
      const stream = await agent.stream(call.messages, options);
      runId = stream.runId;
      await drain(stream, output);
    } else {
      throw new Error(`scenario ${scenario.name}: unknown call.method ${JSON.stringify(call.method)}`);
    }
  } catch (err) {
    output.thrown = encode(err);
  }
  if (call.resume?.length) {
    output.resumes = [];
    for (const step of call.resume) output.resumes.push(await resume(agent, step, runId));
  }
  // wait until the pipe took it all: process.exit() would cut output longer than 64 KiB
  await new Promise((resolve) => process.stdout.write(JSON.stringify(output), resolve));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  },
);
