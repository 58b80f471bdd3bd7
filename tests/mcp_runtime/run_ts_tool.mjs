// Run one tool of a Mastra project directly with real Mastra, as the reference for the bridge test.
//
// Usage: node run_ts_tool.mjs <home> <project-copy> <file> <binding> <input-json>
// The project copy must resolve its packages (its node_modules links to <home>/node_modules).
// Prints {"ok": true, "result"} or {"ok": false, "name", "message"}.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [home, project, file, binding, inputJson] = process.argv.slice(2);
const dir = path.dirname(createRequire(path.join(home, 'package.json')).resolve('tsx/package.json'));
const exported = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).exports['./esm/api'];
const rel = typeof exported === 'string' ? exported : exported.import?.default ?? exported.import ?? exported.default;
const { tsImport } = await import(pathToFileURL(path.join(dir, rel)).href);
const mod = await tsImport(pathToFileURL(path.join(project, file)).href, import.meta.url);
let out;
try {
  const result = await mod[binding].execute(JSON.parse(inputJson), {});
  out = { ok: true, result: JSON.parse(JSON.stringify(result ?? null)) };
} catch (err) {
  out = { ok: false, name: err.name, message: err.message };
}
process.stdout.write(JSON.stringify(out));
process.exit(0);
