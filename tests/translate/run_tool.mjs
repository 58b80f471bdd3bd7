// Run Mastra tools' original TypeScript execute under Node for the translation differential tests.
//
// Usage: node --import tsx run_tool.mjs <project-dir> <cases.json> <loopback-base-url>
//
// <project-dir> is a copy of a fixture whose node_modules holds @mastra/core and zod (the recorder
// links /tmp/mastra-scratch/node_modules there). Every fetch the tools make goes to the loopback
// server instead, keeping the path and query, with two extra headers: x-lumos-original-host (the
// host the tool asked for) and x-lumos-case (the case index). Prints one JSON document:
// [{"output": ...} | {"error": "message"}, ...] in case order.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { redirectFetch, startCase } from './node_io.mjs';

const [projectDir, casesPath, serverUrl] = process.argv.slice(2);
if (!projectDir || !casesPath || !serverUrl) {
  process.stderr.write('usage: node --import tsx run_tool.mjs <project-dir> <cases.json> <url>\n');
  process.exit(2);
}

const requireFromProject = createRequire(path.join(path.resolve(projectDir), 'package.json'));
const { RequestContext } = requireFromProject('@mastra/core/request-context');

redirectFetch(serverUrl);

const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const results = [];
for (const [index, c] of cases.entries()) {
  startCase(index);
  const mod = await import(pathToFileURL(path.join(path.resolve(projectDir), c.file)).href);
  const tool = mod[c.export];
  if (!tool) {
    results.push({ error: `no export ${c.export} in ${c.file}` });
    continue;
  }
  const requestContext = new RequestContext(Object.entries(c.requestContext ?? {}));
  try {
    const output = await tool.execute(c.input, { requestContext });
    results.push({ output: output === undefined ? null : JSON.parse(JSON.stringify(output)) });
  } catch (err) {
    results.push({ error: err instanceof Error ? err.message : String(err) });
  }
}
process.stdout.write(JSON.stringify(results));
