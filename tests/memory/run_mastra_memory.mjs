// Replay one memory scenario against real Mastra (@mastra/core, @mastra/memory, @mastra/libsql)
// and print one JSON document: {"results": [...], "thread": ..., "stored": [...], "workingMemory"}.
//
// Usage: node run_mastra_memory.mjs <scenario.json> <fake-server-base-url>
//
// Packages are resolved from LUMOS_MASTRA_HOME (default /tmp/mastra-scratch). Storage is LibSQL
// with url ':memory:'; when the scenario asks for semantic recall a LibSQLVector (':memory:') and an
// OpenAI-compatible embedder pointed at the fake server's /v1/embeddings are added.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [scenarioPath, serverUrl] = process.argv.slice(2);
if (!scenarioPath || !serverUrl) {
  process.stderr.write('usage: node run_mastra_memory.mjs <scenario.json> <fake-server-base-url>\n');
  process.exit(2);
}
const home = path.resolve(process.env.LUMOS_MASTRA_HOME || '/tmp/mastra-scratch');
const requireFromHome = createRequire(path.join(home, 'package.json'));

function load(name) {
  try {
    return requireFromHome(name);
  } catch (err) {
    process.stderr.write(`cannot load ${name} from ${home}/node_modules (${err.message}).\n`);
    process.exit(3);
  }
}

const { Agent } = load('@mastra/core/agent');
const { Memory } = load('@mastra/memory');
const { Mastra } = load('@mastra/core/mastra');
const { LibSQLStore, LibSQLVector } = load('@mastra/libsql');
const { createOpenAI } = load('@ai-sdk/openai');

const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));

// tools as in tests/oracle/run_mastra.mjs: `suspend` suspends until resumed, then returns the
// resume data (or `returns`); every execute call is logged in the output's `tool_inputs`
const toolInputs = [];
function buildTools(specs) {
  const { createTool } = load('@mastra/core/tools');
  const { z } = load('zod');
  const zod = (source) => new Function('z', `return (${source});`)(z);
  const tools = {};
  for (const [key, spec] of Object.entries(specs || {})) {
    const config = {
      id: spec.id,
      description: spec.description,
      inputSchema: zod(spec.zod),
      execute: async (input, context) => {
        const resumeData = context?.agent?.resumeData;
        const entry = { tool: key, toolCallId: context?.agent?.toolCallId ?? null, input };
        if (resumeData !== undefined) entry.resumeData = resumeData;
        toolInputs.push(JSON.parse(JSON.stringify(entry)));
        if ('suspend' in spec && resumeData === undefined) return await context.agent.suspend(spec.suspend);
        return 'returns' in spec ? spec.returns : resumeData;
      },
    };
    if (spec.suspendZod) config.suspendSchema = zod(spec.suspendZod);
    if (spec.resumeZod) config.resumeSchema = zod(spec.resumeZod);
    tools[key] = createTool(config);
  }
  return tools;
}

function encode(value, seen = new WeakSet()) {
  if (value === undefined) return '<undefined>';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : `<number:${value}>`;
  if (typeof value === 'function') return '<function>';
  if (value instanceof Date) return '<date>';
  if (seen.has(value)) return '<circular>';
  seen.add(value);
  try {
    if (value instanceof Error) return { $error: value.name, message: value.message };
    if (Array.isArray(value)) return value.map((item) => encode(item, seen));
    if (typeof value.toJSON === 'function') return encode(value.toJSON(), seen);
    const out = {};
    for (const key of Object.keys(value)) out[key] = encode(value[key], seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

// Mastra generates a thread title after the reply without awaiting it; wait for it (or a short
// while when none comes) so the title request is recorded before the next turn's request.
async function settleTitle(memory, thread) {
  const threadId = typeof thread === 'string' ? thread : thread.id;
  for (let waited = 0; waited < 1500; waited += 25) {
    const found = await memory.getThreadById({ threadId });
    if (found?.title) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function main() {
  const spec = scenario.memory || {};
  const config = {
    // mastraStorage: the Memory has no storage; the Mastra instance the agent is registered with has it
    ...(spec.mastraStorage ? {} : { storage: new LibSQLStore({ id: 'memory-oracle', url: ':memory:' }) }),
    options: spec.options || {},
  };
  if (spec.semantic) {
    config.vector = new LibSQLVector({ id: 'memory-oracle-vector', url: ':memory:' });
    const provider = createOpenAI({ baseURL: `${serverUrl}/v1`, apiKey: 'test-key' });
    config.embedder = provider.embedding(spec.embeddingModel || 'text-embedding-3-small');
  }
  if (spec.schemaZod) {
    // a zod expression (source text) for workingMemory.schema
    const { z } = load('zod');
    const schema = new Function('z', `return (${spec.schemaZod});`)(z);
    config.options = {
      ...config.options,
      workingMemory: { ...config.options.workingMemory, schema },
    };
  }
  const title = config.options.generateTitle;
  if (title && typeof title === 'object' && typeof title.model === 'string') {
    // a 'fake/<id>' model string is the fake server under that model id
    config.options = {
      ...config.options,
      generateTitle: { ...title, model: { id: title.model, url: `${serverUrl}/v1`, apiKey: 'test-key' } },
    };
  }
  const memory = new Memory(config);
  const agent = new Agent({
    id: scenario.agent.id,
    name: scenario.agent.name ?? scenario.agent.id,
    instructions: scenario.agent.instructions,
    model: { id: 'fake/fake-model', url: `${serverUrl}/v1`, apiKey: 'test-key' },
    memory,
    ...(scenario.agent.tools ? { tools: buildTools(scenario.agent.tools) } : {}),
  });
  if (spec.mastraStorage) {
    new Mastra({
      agents: { [scenario.agent.id]: agent },
      storage: new LibSQLStore({ id: 'mastra-storage', url: ':memory:' }),
    });
  }
  const results = [];
  for (const turn of scenario.turns) {
    try {
      if (turn.method === 'stream') {
        // the finish chunk: its payload keys and the `response` output processors add to it
        const stream = await agent.stream(turn.messages, { memory: turn.memory, ...(turn.options || {}) });
        let finish;
        for await (const chunk of stream.fullStream) if (chunk.type === 'finish') finish = chunk;
        results.push({
          text: await stream.text,
          finishKeys: Object.keys(finish.payload).filter((k) => finish.payload[k] !== undefined),
          finishResponse: encode(finish.payload.response),
        });
        continue;
      }
      const r = await agent.generate(turn.messages, { memory: turn.memory, ...(turn.options || {}) });
      results.push({
        text: r.text,
        finishReason: r.finishReason,
        messages: encode(r.messages),
        rememberedMessages: encode(r.rememberedMessages),
      });
    } catch (err) {
      results.push({ thrown: encode(err) });
    }
    if (title) await settleTitle(memory, turn.memory.thread);
  }
  const last = scenario.turns[scenario.turns.length - 1].memory;
  const threadId = typeof last.thread === 'string' ? last.thread : last.thread.id;
  const output = { results };
  if (scenario.agent.tools) output.tool_inputs = toolInputs;
  output.thread = encode(await memory.getThreadById({ threadId }));
  const recalled = await memory.recall({ threadId, resourceId: last.resource, perPage: false });
  output.stored = encode(recalled.messages);
  output.workingMemory = encode(
    await memory.getWorkingMemory({ threadId, resourceId: last.resource }),
  );
  process.stdout.write(JSON.stringify(output));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  },
);
