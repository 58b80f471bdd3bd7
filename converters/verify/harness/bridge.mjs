// The TypeScript bridge of `lumos-migrate convert --bridge`: serve a Mastra project's own tools
// over MCP (stdio), so a ported Python project can call the tools whose bodies were not translated.
//
//   node bridge.mjs --project DIR --tools JSON [--home DIR] [--mastra-version V]
//
// --tools is a JSON list of {"name", "file", "binding", "id"}: the MCP tool `name` runs the tool
// exported as `binding` from the project-relative `file` (found by `id` among the module's exports
// when the binding is not exported). Each MCP tool takes {"input", "requestContext"?} and answers
// {"ok": true, "result"} or {"ok": false, "error": {"name", "message", "location", "stack"}}, so
// the Python side returns the TypeScript result as is, or raises with the TypeScript message and the
// project file:line:column where it was thrown.
//
// Packages come from the same npm cache as `lumos-migrate verify` (./cache.mjs; LUMOS_MASTRA_HOME or
// ~/.cache/lumos-compat/mastra-<version>), installed on first use, plus @mastra/mcp. The project runs
// in place when it has its own node_modules with @mastra/core, else from a temporary copy whose
// node_modules is the cache's. stdout carries the MCP protocol: console output of the project goes
// to stderr.
//
// Exit codes: 2 bad arguments, 3 the project did not load, 4 node/npm missing, 5 npm install failed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { DEFAULT_CORE_VERSION, EXIT, HarnessError, ensureCache } from './cache.mjs';

// stdout is the MCP channel from here on
for (const method of ['log', 'info', 'debug', 'trace', 'dir', 'table']) {
  console[method] = (...args) => console.error(...args);
}

const log = (message) => process.stderr.write(`[lumos-bridge] ${message}\n`);

function parseArgs(argv) {
  const args = { mastraVersion: process.env.LUMOS_MASTRA_VERSION || DEFAULT_CORE_VERSION };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new HarnessError(EXIT.usage, `${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--project') args.project = path.resolve(value());
    else if (flag === '--tools') args.tools = value();
    else if (flag === '--home') args.home = path.resolve(value());
    else if (flag === '--mastra-version') args.mastraVersion = value();
    else throw new HarnessError(EXIT.usage, `unknown argument ${flag}`);
  }
  if (!args.project || !args.tools) throw new HarnessError(EXIT.usage, '--project and --tools are required');
  if (!fs.existsSync(args.project)) {
    throw new HarnessError(
      EXIT.loadFailed,
      `the TypeScript project ${args.project} does not exist; set LUMOS_BRIDGE_PROJECT to the Mastra project the port came from`,
    );
  }
  try {
    args.tools = JSON.parse(args.tools);
  } catch (err) {
    throw new HarnessError(EXIT.usage, `--tools is not JSON: ${err.message}`);
  }
  return args;
}

function defaultHome(version) {
  if (process.env.LUMOS_MASTRA_HOME) return path.resolve(process.env.LUMOS_MASTRA_HOME);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'lumos-compat', `mastra-${version}`);
}

/** The project folder to run: in place when it has its own Mastra, else a copy using the cache. */
function projectBase(project, home) {
  if (fs.existsSync(path.join(project, 'node_modules', '@mastra', 'core', 'package.json'))) return project;
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'lumos-bridge-'));
  const skipped = new Set(['node_modules', '.git', '.mastra', 'dist', 'build']);
  fs.cpSync(project, stage, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(project, src);
      return !rel || !skipped.has(rel.split(path.sep)[0]);
    },
  });
  fs.symlinkSync(path.join(home, 'node_modules'), path.join(stage, 'node_modules'), 'junction');
  process.on('exit', () => fs.rmSync(stage, { recursive: true, force: true }));
  log(`the project has no node_modules of its own: running a copy in ${stage} with ${home}/node_modules`);
  return stage;
}

function tsxEsmApi(home) {
  const dir = path.dirname(createRequire(path.join(home, 'package.json')).resolve('tsx/package.json'));
  const exported = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).exports?.['./esm/api'];
  const pick = (entry) => (typeof entry === 'string' ? entry : entry?.import?.default ?? entry?.import ?? entry?.default);
  const rel = pick(exported);
  return path.join(dir, typeof rel === 'string' ? rel : 'dist/esm/api/index.mjs');
}

const looksLikeTool = (value) =>
  value !== null && typeof value === 'object' && typeof value.execute === 'function' && typeof value.id === 'string';

/** `file:line:column` of the first stack frame in the project's own files (not node_modules). */
function projectLocation(stack, base) {
  for (const line of String(stack || '').split('\n').slice(1)) {
    const match = line.match(/\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/);
    if (!match) continue;
    let file = match[1];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    const rel = path.relative(base, file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules')) continue;
    return `${rel.split(path.sep).join('/')}:${match[2]}:${match[3]}`;
  }
  return null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const home = args.home || defaultHome(args.mastraVersion);
  const asIs = Boolean(process.env.LUMOS_MASTRA_HOME) && fs.existsSync(path.join(home, 'node_modules'));
  ensureCache({ home, coreVersion: args.mastraVersion, project: args.project, asIs, log, extra: ['@mastra/mcp'] });
  const base = projectBase(args.project, home);
  process.chdir(base);

  const fromHome = createRequire(path.join(home, 'package.json'));
  const fromBase = createRequire(path.join(base, 'package.json'));
  const load = async (name) => {
    let resolved;
    try {
      resolved = fromBase.resolve(name);
    } catch {
      resolved = fromHome.resolve(name);
    }
    return import(pathToFileURL(resolved).href);
  };
  const { MCPServer } = await import(pathToFileURL(fromHome.resolve('@mastra/mcp')).href);
  const { createTool } = await load('@mastra/core/tools');
  const { RequestContext } = await load('@mastra/core/request-context');
  const zod = await load('zod');
  const z = zod.z ?? zod;
  const { tsImport } = await import(pathToFileURL(tsxEsmApi(home)).href);

  const modules = new Map();
  const loadModule = async (file) => {
    if (!modules.has(file)) {
      const full = path.resolve(base, file);
      modules.set(
        file,
        tsImport(pathToFileURL(full).href, import.meta.url).catch((err) => {
          throw new Error(`the bridge could not load ${file}: ${err.stack || err}`);
        }),
      );
    }
    return modules.get(file);
  };
  const findTool = async (entry) => {
    const mod = await loadModule(entry.file);
    const named = mod[entry.binding] ?? mod.default?.[entry.binding];
    if (looksLikeTool(named)) return named;
    const byId = Object.values(mod).find((value) => looksLikeTool(value) && value.id === entry.id);
    if (byId) return byId;
    throw new Error(
      `tool \`${entry.binding}\` (id ${JSON.stringify(entry.id)}) is not exported from ${entry.file}; ` +
        'export it so the bridge can load it, or port the tool to Python',
    );
  };

  const tools = {};
  for (const entry of args.tools) {
    tools[entry.name] = createTool({
      id: entry.name,
      description: `The TypeScript tool ${entry.binding} of ${entry.file}, run by the lumos bridge`,
      inputSchema: z.object({ input: z.any(), requestContext: z.record(z.string(), z.any()).optional() }),
      execute: async ({ input, requestContext }) => {
        try {
          const tool = await findTool(entry);
          const context = { requestContext: new RequestContext(Object.entries(requestContext || {})) };
          const result = await tool.execute(input, context);
          return { ok: true, result: result === undefined ? null : result };
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          return {
            ok: false,
            error: {
              name: error.name,
              message: error.message,
              location: projectLocation(error.stack, base),
              // paths of a staged copy read as the project's own
              stack: String(error.stack || '').split(base).join(args.project),
            },
          };
        }
      },
    });
  }
  const server = new MCPServer({ id: 'lumos-bridge', name: 'lumos-bridge', version: '1.0.0', tools });
  process.stdin.on('end', () => process.exit(0));
  await server.startStdio();
  log(`serving ${Object.keys(tools).length} tool(s) of ${args.project}`);
}

main().catch((err) => {
  const code = err instanceof HarnessError ? err.code : EXIT.loadFailed;
  process.stderr.write(`[lumos-bridge] ${err instanceof HarnessError ? err.message : err.stack || err}\n`);
  process.exit(code);
});
