// Replay one MCP scenario with real Mastra: an Agent whose tools come from @mastra/mcp's MCPClient
// talking to tests/mcp_runtime/py_server.py over stdio, against the loopback fake LLM. Prints one JSON
// document {"result"} or {"thrown"} on stdout.
//
// Usage: node run_mastra_mcp.mjs <scenario.json> <fake-server-base-url> <python> <server.py>
//
// Packages come from LUMOS_MASTRA_HOME (default /tmp/mastra-scratch): @mastra/core 1.71, @mastra/mcp 2.0.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [scenarioPath, serverUrl, python, serverScript] = process.argv.slice(2);
if (!serverScript) {
  process.stderr.write('usage: node run_mastra_mcp.mjs <scenario.json> <fake-server-url> <python> <server.py>\n');
  process.exit(2);
}
const home = path.resolve(process.env.LUMOS_MASTRA_HOME || '/tmp/mastra-scratch');
const requireFromHome = createRequire(path.join(home, 'package.json'));
const { Agent } = requireFromHome('@mastra/core/agent');
const { MCPClient } = await import(pathToFileURL(requireFromHome.resolve('@mastra/mcp')).href);

const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));

function encode(value, seen = new WeakSet()) {
  if (value === undefined) return '<undefined>';
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return '<function>';
    return value;
  }
  if (value instanceof Date) return '<date>';
  if (seen.has(value)) return '<circular>';
  seen.add(value);
  try {
    if (value instanceof Error) {
      const out = { $error: value.name, message: value.message };
      for (const key of Object.keys(value)) out[key] = encode(value[key], seen);
      return out;
    }
    if (Array.isArray(value)) return value.map((item) => encode(item, seen));
    if (typeof value.toJSON === 'function') return encode(value.toJSON(), seen);
    const out = {};
    for (const key of Object.keys(value)) out[key] = encode(value[key], seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

const mcp = new MCPClient({
  id: `record-${scenario.name}`,
  servers: { [scenario.server]: { command: python, args: [serverScript] } },
  timeout: 30000,
});
const output = {};
try {
  const model = { id: 'fake/fake-model', url: `${serverUrl}/v1`, apiKey: 'test-key' };
  const options = { ...(scenario.options || {}) };
  let tools;
  if (scenario.use === 'toolsets') options.toolsets = await mcp.listToolsets();
  else tools = await mcp.listTools();
  const agent = new Agent({ id: 'mcp-agent', name: 'MCP Agent', instructions: scenario.instructions, model, tools });
  output.result = encode(await agent.generate(scenario.messages, options));
} catch (err) {
  output.thrown = encode(err);
} finally {
  await mcp.disconnect();
}
process.stdout.write(JSON.stringify(output));
