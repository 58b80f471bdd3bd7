// The peer column of benchmarks/runtime.py: real Mastra against the same loopback fake LLM.
//
// Usage: node mastra_runtime.mjs <fake-server-base-url> <iterations> <warmup>
//
// Packages (@mastra/core 1.x) are resolved from LUMOS_MASTRA_HOME (default /tmp/mastra-scratch).
// Times, in this one process: importing @mastra/core/agent, N `agent.generate()` calls for a plain
// reply, and N `agent.stream()` calls up to the first text delta. The fake server must hold
// 2 * (iterations + warmup) plain text turns. Prints one JSON document on stdout (times in ms).

import { createRequire } from 'node:module';
import path from 'node:path';

const [url, iterationsArg, warmupArg] = process.argv.slice(2);
if (!url || !iterationsArg) {
  process.stderr.write('usage: node mastra_runtime.mjs <fake-server-base-url> <iterations> <warmup>\n');
  process.exit(2);
}
const iterations = Number(iterationsArg);
const warmup = Number(warmupArg ?? 20);

const home = path.resolve(process.env.LUMOS_MASTRA_HOME || '/tmp/mastra-scratch');
const requireFromHome = createRequire(path.join(home, 'package.json'));

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

let Agent;
const importStart = nowMs();
try {
  ({ Agent } = requireFromHome('@mastra/core/agent'));
} catch (err) {
  process.stderr.write(`cannot load @mastra/core from ${home}/node_modules: ${err.message}\n`);
  process.exit(3);
}
const importMs = nowMs() - importStart;

const agent = new Agent({
  id: 'bench-agent',
  name: 'bench-agent',
  instructions: 'You are a helpful assistant.',
  model: { id: 'fake/fake-model', url: `${url}/v1`, apiKey: 'test-key' },
});

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function generateOnce() {
  const start = nowMs();
  const result = await agent.generate('Say hello.');
  const elapsed = nowMs() - start;
  if (!result.text) throw new Error('empty reply from the fake server');
  return elapsed;
}

async function firstDeltaOnce() {
  const start = nowMs();
  const stream = await agent.stream('Say hello.');
  let first = null;
  for await (const delta of stream.textStream) {
    if (first === null && delta) first = nowMs() - start;
  }
  if (first === null) throw new Error('the stream carried no text');
  return first;
}

for (let i = 0; i < warmup; i++) await generateOnce();
const generate = [];
for (let i = 0; i < iterations; i++) generate.push(await generateOnce());

for (let i = 0; i < warmup; i++) await firstDeltaOnce();
const firstDelta = [];
for (let i = 0; i < iterations; i++) firstDelta.push(await firstDeltaOnce());

let version = null;
try {
  version = requireFromHome('@mastra/core/package.json').version;
} catch {
  // exports may hide package.json; the version is then unknown
}

process.stdout.write(
  JSON.stringify({
    version,
    node: process.version,
    import_ms: importMs,
    generate_ms: median(generate),
    first_delta_ms: median(firstDelta),
    iterations,
  }) + '\n',
);
