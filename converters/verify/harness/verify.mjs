// The Node side of `lumos-migrate verify`: load a Mastra project's agents with real Mastra and run
// scenarios against the fake LLM server that converters/verify (Python) started.
//
//   node verify.mjs --project DIR --server URL --nonce N --home DIR [--mastra-version V] [--entry FILE]
//   node verify.mjs --install-only --project DIR --home DIR [--mastra-version V]
//
// Protocol: messages to Python are single lines `@@lumos-verify:<nonce>@@ <json>` on stdout (the
// project may log to stdout too; other lines are ignored). First `{"type":"ready","agents":[...]}`,
// then, for every line `{"cmd":"run","scenario":{...}}` read from stdin, one
// `{"type":"result",...}`. `{"cmd":"exit"}` or the end of stdin ends the program.
//
// Exit codes: 0 done, 2 bad arguments, 3 the project did not load, 4 node/npm missing,
// 5 npm install failed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

import { EXIT, HarnessError, coreVersionFor, ensureCache, generationOf, projectSources } from './cache.mjs';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new HarnessError(EXIT.usage, `${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--project') args.project = path.resolve(value());
    else if (flag === '--server') args.server = value().replace(/\/+$/, '');
    else if (flag === '--nonce') args.nonce = value();
    else if (flag === '--home') args.home = path.resolve(value());
    else if (flag === '--mastra-version') args.mastraVersion = value();
    else if (flag === '--entry') args.entry = value();
    else if (flag === '--install-only') args.installOnly = true;
    else throw new HarnessError(EXIT.usage, `unknown argument ${flag}`);
  }
  if (!args.project) throw new HarnessError(EXIT.usage, '--project is required');
  if (!args.installOnly && (!args.server || !args.nonce)) {
    throw new HarnessError(EXIT.usage, '--server and --nonce are required');
  }
  // unless given, the project's generation picks the pinned 1.x or 0.x Mastra (cache.mjs)
  args.mastraVersion ??= coreVersionFor(args.project);
  args.legacy = generationOf(args.mastraVersion) === '0.x';
  return args;
}

const log = (message) => process.stderr.write(`[verify] ${message}\n`);

function defaultHome(version) {
  // LUMOS_MASTRA_HOME is a 1.x install; a 0.x Mastra has its own (LUMOS_MASTRA_0X_HOME)
  const given = generationOf(version) === '0.x' ? process.env.LUMOS_MASTRA_0X_HOME : process.env.LUMOS_MASTRA_HOME;
  if (given) return path.resolve(given);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'lumos-compat', `mastra-${version}`);
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
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return { $bytes: value.byteLength };
  if (seen.has(value)) return '<circular>';
  seen.add(value);
  try {
    if (value instanceof Error) {
      const out = { $error: value.name, message: value.message };
      for (const key of Object.keys(value)) out[key] = encode(value[key], seen);
      return out;
    }
    if (Array.isArray(value)) return value.map((item) => encode(item, seen));
    if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [encode(k, seen), encode(v, seen)]) };
    if (value instanceof Set) return { $set: [...value].map((v) => encode(v, seen)) };
    if (typeof value.toJSON === 'function') return encode(value.toJSON(), seen);
    const out = {};
    for (const key of Object.keys(value)) out[key] = encode(value[key], seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Copy the project (without dependencies and build output) and link the cache's node_modules. */
function stageProject(project, home) {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'lumos-verify-'));
  const skipped = new Set(['node_modules', '.git', '.mastra', 'dist', 'build']);
  fs.cpSync(project, stage, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(project, src);
      if (!rel) return true;
      const first = rel.split(path.sep)[0];
      return !skipped.has(first) && !/\.(?:db|db-wal|db-shm|sqlite)$/.test(src);
    },
  });
  fs.symlinkSync(path.join(home, 'node_modules'), path.join(stage, 'node_modules'), 'junction');
  return stage;
}

/** The ESM build of tsx's `tsx/esm/api` in the cache (its `import` export condition). */
function tsxEsmApi(home) {
  const dir = path.dirname(createRequire(path.join(home, 'package.json')).resolve('tsx/package.json'));
  const exported = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).exports?.['./esm/api'];
  const pick = (entry) => (typeof entry === 'string' ? entry : entry?.import?.default ?? entry?.import ?? entry?.default);
  const rel = pick(exported);
  return path.join(dir, typeof rel === 'string' ? rel : 'dist/esm/api/index.mjs');
}

function findEntry(stage, given) {
  if (given) {
    const full = path.resolve(stage, given);
    if (!fs.existsSync(full)) throw new HarnessError(EXIT.loadFailed, `entry file ${given} not found in the project`);
    return full;
  }
  for (const rel of ['src/mastra/index.ts', 'src/mastra/index.mts', 'src/mastra/index.js', 'src/mastra/index.mjs']) {
    const full = path.join(stage, rel);
    if (fs.existsSync(full)) return full;
  }
  for (const file of projectSources(stage)) {
    if (/new\s+Mastra\s*\(/.test(fs.readFileSync(file, 'utf8'))) return file;
  }
  throw new HarnessError(
    EXIT.loadFailed,
    'no src/mastra/index.ts and no file with `new Mastra(` in the project; pass --entry FILE',
  );
}

const looksLikeAgent = (v) =>
  v !== null && typeof v === 'object' && typeof v.generate === 'function' && typeof v.stream === 'function' &&
  typeof v.getInstructions === 'function';

function jsonSchemaOf(schema, z, zodToJsonSchema) {
  if (!schema || typeof schema !== 'object') return null;
  try {
    if (schema._zod || schema._def) {
      // zod 4 has toJSONSchema; a 0.x project's zod 3 goes through Mastra's own converter
      if (typeof z.toJSONSchema === 'function') return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      return zodToJsonSchema(schema);
    }
    if (schema.jsonSchema && typeof schema.jsonSchema === 'object') return schema.jsonSchema;
    if (typeof schema.type === 'string' || schema.properties || schema.anyOf) return schema;
  } catch (err) {
    return { $unrepresentable: String(err.message || err) };
  }
  return null;
}

async function resolveMaybe(fn, fallback) {
  try {
    return await fn();
  } catch {
    return fallback;
  }
}

async function describeModel(agent, RequestContext, ctxKey = 'requestContext') {
  let raw = agent.model;
  if (Array.isArray(raw)) raw = raw[0]?.model;
  if (typeof raw === 'string') {
    const [provider, ...rest] = raw.split('/');
    return { kind: 'router', spec: raw, provider, modelId: rest.join('/') || raw };
  }
  const resolved = await resolveMaybe(() => agent.getModel({ [ctxKey]: new RequestContext() }), null);
  const kind = typeof raw === 'function' ? 'dynamic' : raw && raw.url ? 'config' : 'provider';
  let provider = resolved?.provider ?? null;
  let modelId = resolved?.modelId ?? null;
  if (kind === 'config' && typeof raw.id === 'string') {
    const [p, ...rest] = raw.id.split('/');
    provider = p;
    modelId = rest.join('/') || raw.id;
  }
  if (typeof provider === 'string') provider = provider.split('.')[0];
  const spec = resolved?.specificationVersion ?? null;
  return { kind, spec: null, provider, modelId: modelId || 'model', specificationVersion: spec };
}

/**
 * The model the agent is pointed at: openai/* router strings stay (OPENAI_BASE_URL is set). An
 * AI SDK v4 model (spec v1, what 0.x projects use) is replaced by the same kind: the `openai(id)` of
 * the project's @ai-sdk/openai 1.x with the fake server as base URL (its chat completions API).
 */
function fakeModelFor(description, server, createOpenAI) {
  if (description.kind === 'router' && description.provider === 'openai') return { mode: 'openai-router', model: description.spec };
  if (description.specificationVersion === 'v1' && createOpenAI) {
    const provider = createOpenAI({ baseURL: `${server}/v1`, apiKey: 'test-key', compatibility: 'strict' });
    return { mode: 'chat', model: provider.chat(description.modelId) };
  }
  return {
    mode: 'chat',
    model: { id: `fake/${description.modelId}`, url: `${server}/v1`, apiKey: 'test-key' },
  };
}

class Harness {
  constructor(args) {
    this.args = args;
    this.current = null; // the scenario being run
    this.toolKeys = new Map(); // tool object -> Set of keys it is offered under
    this.wrapped = new WeakSet();
    this.toolInputs = [];
    this.legacyAgents = new WeakSet();
  }

  send(message) {
    process.stdout.write(`\n@@lumos-verify:${this.args.nonce}@@ ${JSON.stringify(message)}\n`);
  }

  async load() {
    const { args } = this;
    const home = args.home || defaultHome(args.mastraVersion);
    const given = args.legacy ? process.env.LUMOS_MASTRA_0X_HOME : process.env.LUMOS_MASTRA_HOME;
    const asIs = Boolean(given) && fs.existsSync(path.join(home, 'node_modules'));
    const version = ensureCache({ home, coreVersion: args.mastraVersion, project: args.project, asIs, log });
    if (args.installOnly) {
      log(`cache ready: ${home} (@mastra/core ${version})`);
      return false;
    }
    process.env.OPENAI_BASE_URL = `${args.server}/v1`;
    process.env.OPENAI_API_KEY = 'test-key';
    const stage = stageProject(args.project, home);
    this.stage = stage;
    process.chdir(stage);
    const entry = findEntry(stage, args.entry);
    const bridge = path.join(stage, '.lumos-verify-bridge.mts');
    fs.writeFileSync(
      bridge,
      `export * as project from ${JSON.stringify(pathToFileURL(entry).href)};\n` +
        (args.legacy
          ? // 0.x: RuntimeContext, zod 3 (JSON Schema by Mastra's converter), AI SDK v4 providers
            "export { RuntimeContext as RequestContext } from '@mastra/core/runtime-context';\n" +
            "export { zodToJsonSchema } from 'zod-to-json-schema';\n" + // a dependency of every 0.x core
            "export { createOpenAI } from '@ai-sdk/openai';\n"
          : "export { RequestContext } from '@mastra/core/request-context';\n") +
        "export { z } from 'zod';\n",
    );
    // the option and method names of the generation being run
    this.ctxKey = args.legacy ? 'runtimeContext' : 'requestContext';
    const { tsImport } = await import(pathToFileURL(tsxEsmApi(home)).href);
    let loaded;
    try {
      loaded = await tsImport(pathToFileURL(bridge).href, import.meta.url);
    } catch (err) {
      const hint = args.legacy
        ? `\nThis 0.x project was loaded with Mastra ${args.mastraVersion}, the 0.x pin. Code for an older 0.x ` +
          '(the legacy Workflow/Step left the package root in 0.10) may not load there: pass --entry with the ' +
          'module that exports the agents, or set LUMOS_MASTRA_0X_VERSION to a release the project loads with.'
        : '';
      throw new HarnessError(
        EXIT.loadFailed,
        `the Mastra project did not load (${path.relative(stage, entry)}): ${err.stack || err}${hint}`,
      );
    }
    this.RequestContext = loaded.RequestContext;
    this.z = loaded.z;
    this.zodToJsonSchema = loaded.zodToJsonSchema;
    this.createOpenAI = loaded.createOpenAI;
    this.agents = this.findAgents(loaded.project, path.relative(stage, entry));
    this.mastraVersion = version;
    return true;
  }

  findAgents(module, entryRel) {
    const values = Object.values(module);
    const mastra = values.find(
      (v) => v && typeof (v.listAgents ?? v.getAgents) === 'function' && typeof v.getAgent === 'function',
    );
    if (mastra) return { ...(this.args.legacy ? mastra.getAgents() : mastra.listAgents()) };
    const out = {};
    for (const [name, value] of Object.entries(module)) if (looksLikeAgent(value)) out[name] = value;
    if (!Object.keys(out).length) {
      throw new HarnessError(EXIT.loadFailed, `${entryRel} exports no Mastra instance and no Agent`);
    }
    return out;
  }

  async subAgents(agent) {
    return (await resolveMaybe(() => agent.listAgents({ [this.ctxKey]: new this.RequestContext() }), {})) || {};
  }

  async describe(key, agent) {
    const rc = new this.RequestContext();
    const model = await describeModel(agent, this.RequestContext, this.ctxKey);
    const problems = [];
    const tools = {};
    let toolMap = {};
    try {
      toolMap = (await this.toolsOf(agent, rc)) || {};
    } catch (err) {
      problems.push(`listTools failed: ${err.message}`);
    }
    for (const [toolKey, tool] of Object.entries(toolMap)) {
      tools[toolKey] = {
        id: tool?.id ?? toolKey,
        description: tool?.description ?? '',
        input_schema: jsonSchemaOf(tool?.inputSchema ?? tool?.parameters, this.z, this.zodToJsonSchema),
        output_schema: jsonSchemaOf(tool?.outputSchema, this.z, this.zodToJsonSchema),
      };
    }
    const subs = Object.keys(await this.subAgents(agent));
    const defaults =
      (await resolveMaybe(
        () => (this.args.legacy ? agent.getDefaultGenerateOptions({ runtimeContext: rc }) : agent.getDefaultOptions({ requestContext: rc })),
        {},
      )) || {};
    const so = defaults.structuredOutput;
    return {
      key,
      id: agent.id,
      name: agent.name ?? null,
      model,
      tools,
      agents: subs,
      max_steps: typeof defaults.maxSteps === 'number' ? defaults.maxSteps : null,
      structured_output: so && so.schema ? jsonSchemaOf(so.schema, this.z, this.zodToJsonSchema) ?? {} : null,
      problems,
    };
  }

  /** The agent's tools: `listTools` in 1.x, `getTools` in 0.x. */
  toolsOf(agent, rc) {
    if (this.args.legacy) return agent.getTools({ runtimeContext: rc ?? new this.RequestContext() });
    return rc ? agent.listTools({ requestContext: rc }) : agent.listTools();
  }

  wrapTools(tools, owner) {
    for (const [toolKey, tool] of Object.entries(tools || {})) {
      if (!tool || typeof tool !== 'object' || typeof tool.execute !== 'function') continue;
      if (!this.toolKeys.has(tool)) this.toolKeys.set(tool, new Set());
      this.toolKeys.get(tool).add(toolKey);
      if (this.wrapped.has(tool)) continue;
      this.wrapped.add(tool);
      const original = tool.execute;
      const harness = this;
      const legacy = this.args.legacy;
      tool.execute = async function scriptedExecute(first, second) {
        // 1.x: execute(input, context); 0.x: execute({ context: input, runtimeContext, ... }, { toolCallId })
        const input = legacy ? first?.context : first;
        const key = harness.keyFor(tool, second);
        harness.toolInputs.push({ tool: key, input: JSON.parse(JSON.stringify(input ?? null)) });
        const outputs = harness.current?.tool_outputs || {};
        if (key in outputs) {
          const value = outputs[key];
          if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof value.throws === 'string') {
            throw new Error(value.throws);
          }
          return JSON.parse(JSON.stringify(value));
        }
        return original.call(this, first, second);
      };
    }
    void owner;
  }

  keyFor(tool, context) {
    const keys = this.toolKeys.get(tool) || new Set();
    const callId = context?.agent?.toolCallId ?? context?.toolCallId;
    if (callId && this.current) {
      for (const turn of this.current.script || []) {
        for (const call of turn.tool_calls || []) {
          if (call.id === callId && keys.has(call.name)) return call.name;
        }
      }
    }
    const outputs = this.current?.tool_outputs || {};
    for (const key of keys) if (key in outputs) return key;
    if (tool.id in outputs) return tool.id;
    return [...keys][0] ?? tool.id;
  }

  async prepare(agent, seen = new Set()) {
    if (seen.has(agent)) return;
    seen.add(agent);
    const description = await describeModel(agent, this.RequestContext, this.ctxKey);
    const model = fakeModelFor(description, this.args.server, this.createOpenAI).model;
    if (typeof agent.__updateModel === 'function') agent.__updateModel({ model });
    else agent.model = model; // 0.9 and older: a public field
    // an AI SDK v4 model runs the 0.x API of the release (generateLegacy/streamLegacy in late 0.x)
    if (this.args.legacy && description.specificationVersion === 'v1') this.legacyAgents.add(agent);
    const raw = agent.__getOverridableFields?.().tools;
    if (typeof raw === 'function') {
      agent.__setTools(async (ctx) => {
        const tools = await raw(ctx);
        this.wrapTools(tools, agent);
        return tools;
      });
    } else {
      this.wrapTools(raw ?? (await resolveMaybe(() => this.toolsOf(agent), {})), agent);
    }
    for (const sub of Object.values(await this.subAgents(agent))) await this.prepare(sub, seen);
  }

  async start() {
    const described = [];
    for (const [key, agent] of Object.entries(this.agents)) described.push(await this.describe(key, agent));
    const seen = new Set();
    for (const agent of Object.values(this.agents)) await this.prepare(agent, seen);
    for (const d of described) {
      d.mode = fakeModelFor(d.model, this.args.server, this.createOpenAI).mode;
      if (this.legacyAgents.has(this.agents[d.key])) d.api = '0.x';
    }
    this.send({ type: 'ready', mastra_version: this.mastraVersion, agents: described });
  }

  options(raw) {
    const options = { ...(raw || {}) };
    if (options.requestContext && !(options.requestContext instanceof this.RequestContext)) {
      options.requestContext = new this.RequestContext(Object.entries(options.requestContext));
    }
    if (this.args.legacy && 'requestContext' in options) {
      options.runtimeContext = options.requestContext; // 0.x name
      delete options.requestContext;
    }
    return options;
  }

  async run(scenario) {
    const agent = this.agents[scenario.agent];
    this.current = scenario;
    this.toolInputs = [];
    const output = {};
    try {
      if (!agent) throw new Error(`no agent ${JSON.stringify(scenario.agent)} in the Mastra project`);
      const options = this.options(scenario.options);
      if (this.legacyAgents.has(agent)) {
        await this.runLegacy(agent, scenario, options, output);
      } else if (scenario.method === 'generate') {
        output.result = encode(await agent.generate(scenario.messages, options));
      } else {
        const stream = await agent.stream(scenario.messages, options);
        const chunks = [];
        for await (const chunk of stream.fullStream) chunks.push(encode(chunk));
        output.chunks = chunks;
        output.result = encode(await stream.getFullOutput());
      }
    } catch (err) {
      output.thrown = encode(err);
    } finally {
      this.current = null;
    }
    output.tool_inputs = this.toolInputs;
    this.send({ type: 'result', name: scenario.name, agent: scenario.agent, ...output });
  }

  /** The 0.x agent API: AI SDK v4 `generateText`/`streamText` results (late 0.x names them *Legacy). */
  async runLegacy(agent, scenario, options, output) {
    const generate = agent.generateLegacy ? 'generateLegacy' : 'generate';
    const stream = agent.streamLegacy ? 'streamLegacy' : 'stream';
    if (scenario.method === 'generate') {
      output.result = encode(await agent[generate](scenario.messages, options));
      return;
    }
    const result = await agent[stream](scenario.messages, options);
    const chunks = [];
    for await (const chunk of result.fullStream) chunks.push(encode(chunk));
    output.chunks = chunks;
    const [text, finishReason, usage, toolCalls, toolResults, steps] = await Promise.all([
      result.text,
      result.finishReason,
      result.usage,
      result.toolCalls,
      result.toolResults,
      result.steps,
    ]);
    output.result = encode({ text, finishReason, usage, toolCalls, toolResults, steps });
  }

  async serve() {
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      const message = JSON.parse(line);
      if (message.cmd === 'exit') break;
      if (message.cmd === 'run') await this.run(message.scenario);
      else this.send({ type: 'error', message: `unknown command ${JSON.stringify(message.cmd)}` });
    }
  }

  cleanup() {
    if (this.stage) {
      try {
        process.chdir(os.tmpdir());
        fs.rmSync(this.stage, { recursive: true, force: true });
      } catch {
        // a leftover temporary folder is harmless
      }
    }
  }
}

async function main() {
  const harness = new Harness(parseArgs(process.argv.slice(2)));
  try {
    if (!(await harness.load())) return 0;
    await harness.start();
    await harness.serve();
    return 0;
  } finally {
    harness.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof HarnessError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(err.code);
    }
    process.stderr.write(`error: ${err.stack || err}\n`);
    process.exit(EXIT.loadFailed);
  },
);
