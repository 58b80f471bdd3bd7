// Load one fixture Mastra project with real Mastra and send one `generate('Hello')` per agent.
//
// Usage (from the fixture copy, run through tsx so that TypeScript imports work):
//   npx tsx record_fixture_wire.mjs <fake-server-base-url> <out.json> [skip-key,...]
//
// Every agent registered on the project's `mastra` instance gets its model replaced with an
// OpenAI-compatible config pointing at the fake server, with the registration key as model id so
// that record_fixture_wire.py can tell the requests apart. Writes one JSON document to <out.json>
// (stdout is left to the project's loggers):
// {"agents": {key: {"id", "name", "error"?}}}.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [serverUrl, outPath, skipList] = process.argv.slice(2);
if (!serverUrl || !outPath) {
  process.stderr.write('usage: record_fixture_wire.mjs <fake-server-base-url> <out.json> [skip,...]\n');
  process.exit(2);
}
const skip = new Set((skipList || '').split(',').filter(Boolean));

const entry = pathToFileURL(path.resolve('src/mastra/index.ts')).href;
const module = await import(entry);
const mastra = module.mastra ?? module.default?.mastra;
if (!mastra || typeof mastra.listAgents !== 'function') {
  process.stderr.write(`${entry} exports no Mastra instance named mastra\n`);
  process.exit(3);
}

const agents = mastra.listAgents();
const out = { agents: {} };
for (const key of Object.keys(agents).sort()) {
  const agent = agents[key];
  const info = { id: agent.id, name: agent.name };
  out.agents[key] = info;
  if (skip.has(key)) {
    info.skipped = true;
    continue;
  }
  agent.__updateModel({ model: { id: `fake/${key}`, url: `${serverUrl}/v1`, apiKey: 'k' } });
  try {
    await agent.generate('Hello');
  } catch (err) {
    info.error = String(err && err.stack ? err.stack : err);
  }
}
writeFileSync(outPath, JSON.stringify(out));
process.exit(0);
