// Run the workflow scenarios with real Mastra and print one JSON document {name: recording}.
//
// Usage: node record_mastra.mjs [scenario ...]
//
// Packages (@mastra/core 1.71, @mastra/libsql, zod 4) are resolved from LUMOS_MASTRA_HOME
// (default /tmp/mastra-scratch). Every scenario has a twin in tests/workflows/scenarios.py; the
// recorder (record.py) normalises timestamps and ids and writes tests/data/mastra_workflows/.

import { createRequire } from 'node:module';
import path from 'node:path';

const home = path.resolve(process.env.LUMOS_MASTRA_HOME || '/tmp/mastra-scratch');
const req = createRequire(path.join(home, 'package.json'));
const { createWorkflow, createStep } = req('@mastra/core/workflows');
const { Mastra } = req('@mastra/core');
const { LibSQLStore } = req('@mastra/libsql');
const { z } = req('zod');

// JSON-safe copy: Date -> ISO string, undefined dropped in objects (as JSON.stringify does),
// Error -> {$error: {message, name}}, a real cycle -> '<circular>'
function safe(value, seen = new Set()) {
  if (value === undefined) return '<undefined>';
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? '<function>' : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return { $error: { message: value.message, name: value.name } };
  if (seen.has(value)) return '<circular>';
  seen.add(value);
  let out;
  if (Array.isArray(value)) {
    out = value.map((v) => safe(v, seen));
  } else {
    out = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = safe(v, seen);
    }
  }
  seen.delete(value);
  return out;
}

function mastraWith(workflows) {
  return new Mastra({
    workflows,
    storage: new LibSQLStore({ id: 'wf-store', url: ':memory:' }),
    logger: false,
  });
}

const num = z.object({ value: z.number() });

const addOne = createStep({
  id: 'add-one',
  inputSchema: num,
  outputSchema: num,
  execute: async ({ inputData }) => ({ value: inputData.value + 1 }),
});
const double = createStep({
  id: 'double',
  inputSchema: num,
  outputSchema: num,
  execute: async ({ inputData }) => ({ value: inputData.value * 2 }),
});
const boom = createStep({
  id: 'boom',
  inputSchema: num,
  outputSchema: num,
  execute: async () => {
    throw new Error('step exploded');
  },
});

const scenarios = {
  async success() {
    const wf = createWorkflow({ id: 'wf-success', inputSchema: num, outputSchema: num })
      .then(addOne)
      .then(double)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-success' });
    return { result: await run.start({ inputData: { value: 1 } }) };
  },

  async failure() {
    const wf = createWorkflow({ id: 'wf-failure', inputSchema: num, outputSchema: num })
      .then(addOne)
      .then(boom)
      .then(double)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-failure' });
    return { result: await run.start({ inputData: { value: 1 } }) };
  },

  async 'invalid-input'() {
    const wf = createWorkflow({ id: 'wf-invalid', inputSchema: num, outputSchema: num })
      .then(addOne)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-invalid' });
    try {
      await run.start({ inputData: { value: 'one' } });
      return { thrown: null };
    } catch (err) {
      return { thrown: { message: err.message, name: err.name } };
    }
  },

  async parallel() {
    const sq = createStep({
      id: 'square',
      inputSchema: num,
      outputSchema: z.object({ sq: z.number() }),
      execute: async ({ inputData }) => ({ sq: inputData.value * inputData.value }),
    });
    const neg = createStep({
      id: 'negate',
      inputSchema: num,
      outputSchema: z.object({ neg: z.number() }),
      execute: async ({ inputData }) => ({ neg: -inputData.value }),
    });
    const join = createStep({
      id: 'join',
      inputSchema: z.object({ square: z.object({ sq: z.number() }), negate: z.object({ neg: z.number() }) }),
      outputSchema: z.object({ total: z.number() }),
      execute: async ({ inputData }) => ({ total: inputData.square.sq + inputData.negate.neg }),
    });
    const wf = createWorkflow({ id: 'wf-parallel', inputSchema: num, outputSchema: z.any() })
      .parallel([sq, neg])
      .then(join)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-parallel' });
    return { result: await run.start({ inputData: { value: 3 } }) };
  },

  async branch() {
    const mk = (id) =>
      createStep({
        id,
        inputSchema: num,
        outputSchema: z.object({ label: z.string() }),
        execute: async ({ inputData }) => ({ label: `${id}:${inputData.value}` }),
      });
    const wf = createWorkflow({ id: 'wf-branch', inputSchema: num, outputSchema: z.any() })
      .branch([
        [async ({ inputData }) => inputData.value > 10, mk('big')],
        [async ({ inputData }) => inputData.value > 0, mk('positive')],
        [async ({ inputData }) => inputData.value % 2 === 1, mk('odd')],
      ])
      .map(async ({ inputData }) => ({ keys: Object.keys(inputData).sort() }))
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-branch' });
    return { result: await run.start({ inputData: { value: 5 } }) };
  },

  async foreach() {
    const triple = createStep({
      id: 'triple',
      inputSchema: num,
      outputSchema: num,
      execute: async ({ inputData }) => ({ value: inputData.value * 3 }),
    });
    const wf = createWorkflow({ id: 'wf-foreach', inputSchema: z.array(num), outputSchema: z.any() })
      .foreach(triple, { concurrency: 2 })
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-foreach' });
    return { result: await run.start({ inputData: [{ value: 1 }, { value: 2 }, { value: 3 }] }) };
  },

  async dountil() {
    const wf = createWorkflow({ id: 'wf-dountil', inputSchema: num, outputSchema: num })
      .dountil(addOne, async ({ inputData, iterationCount }) => inputData.value >= 4 || iterationCount >= 10)
      .then(double)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-dountil' });
    return { result: await run.start({ inputData: { value: 1 } }) };
  },

  async dowhile() {
    const wf = createWorkflow({ id: 'wf-dowhile', inputSchema: num, outputSchema: num })
      .dowhile(double, async ({ inputData }) => inputData.value < 20)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-dowhile' });
    return { result: await run.start({ inputData: { value: 3 } }) };
  },

  async map() {
    const wf = createWorkflow({ id: 'wf-map', inputSchema: num, outputSchema: z.any() })
      .then(addOne)
      .map(async ({ inputData, getInitData }) => ({ value: inputData.value + getInitData().value * 100 }))
      .then(double)
      .map({
        doubled: { step: double, path: 'value' },
        original: { initData: wf0(), path: 'value' },
        constant: { value: 'k', schema: z.string() },
        whole: { step: addOne, path: '.' },
      })
      .commit();
    function wf0() {
      return { id: 'wf-map' };
    }
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-map' });
    return { result: await run.start({ inputData: { value: 2 } }) };
  },

  async bail() {
    const gate = createStep({
      id: 'gate',
      inputSchema: num,
      outputSchema: num,
      execute: async ({ inputData, bail }) => {
        if (inputData.value > 0) return bail({ value: -1, bailed: true });
        return inputData;
      },
    });
    const wf = createWorkflow({ id: 'wf-bail', inputSchema: num, outputSchema: num })
      .then(addOne)
      .then(gate)
      .then(double)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-bail' });
    return { result: await run.start({ inputData: { value: 1 } }) };
  },

  async state() {
    const st = z.object({ count: z.number(), seen: z.array(z.string()) });
    const mk = (id) =>
      createStep({
        id,
        inputSchema: num,
        outputSchema: num,
        stateSchema: st,
        execute: async ({ inputData, state, setState }) => {
          await setState({ ...state, count: state.count + inputData.value, seen: [...state.seen, id] });
          return { value: inputData.value + 1 };
        },
      });
    const wf = createWorkflow({ id: 'wf-state', inputSchema: num, outputSchema: num, stateSchema: st })
      .then(mk('s1'))
      .then(mk('s2'))
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-state' });
    return {
      result: await run.start({
        inputData: { value: 1 },
        initialState: { count: 0, seen: [] },
        outputOptions: { includeState: true },
      }),
    };
  },

  async nested() {
    const inner = createWorkflow({ id: 'inner', inputSchema: num, outputSchema: num })
      .then(addOne)
      .then(double)
      .commit();
    const wf = createWorkflow({ id: 'wf-nested', inputSchema: num, outputSchema: num })
      .then(inner)
      .then(addOne)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-nested' });
    return { result: await run.start({ inputData: { value: 1 } }) };
  },

  async sleep() {
    const wf = createWorkflow({ id: 'wf-sleep', inputSchema: num, outputSchema: num })
      .then(addOne)
      .sleep(5)
      .then(double)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-sleep' });
    return { result: await run.start({ inputData: { value: 1 } }) };
  },

  async retries() {
    let calls = 0;
    const flaky = createStep({
      id: 'flaky',
      inputSchema: num,
      outputSchema: z.object({ value: z.number(), attempts: z.number() }),
      retries: 2,
      execute: async ({ inputData, retryCount }) => {
        calls += 1;
        if (retryCount < 2) throw new Error(`try ${retryCount}`);
        return { value: inputData.value, attempts: retryCount };
      },
    });
    const wf = createWorkflow({ id: 'wf-retries', inputSchema: num, outputSchema: z.any() })
      .then(flaky)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-retries' });
    const result = await run.start({ inputData: { value: 7 } });
    return { result, calls };
  },

  async 'suspend-resume'() {
    let runs = 0;
    const approve = createStep({
      id: 'approve',
      inputSchema: num,
      outputSchema: z.object({ value: z.number(), approvedBy: z.string() }),
      suspendSchema: z.object({ reason: z.string() }),
      resumeSchema: z.object({ approver: z.string() }),
      execute: async ({ inputData, resumeData, suspend, suspendData }) => {
        runs += 1;
        if (!resumeData) return await suspend({ reason: `approve ${inputData.value}?` });
        return { value: inputData.value, approvedBy: `${resumeData.approver} after ${suspendData?.reason}` };
      },
    });
    const wf = createWorkflow({ id: 'wf-suspend', inputSchema: num, outputSchema: z.any() })
      .then(addOne)
      .then(approve)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-suspend' });
    const suspended = await run.start({ inputData: { value: 1 } });
    let badResume = null;
    try {
      await run.resume({ step: 'approve', resumeData: { approver: 42 } });
    } catch (err) {
      badResume = { message: err.message, name: err.name };
    }
    const run2 = await w.createRun({ runId: 'run-suspend' });
    const resumed = await run2.resume({ step: 'approve', resumeData: { approver: 'ann' } });
    return { suspended, badResume, resumed, runs };
  },

  async stream() {
    const wf = createWorkflow({ id: 'wf-stream', inputSchema: num, outputSchema: num })
      .then(addOne)
      .then(double)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-stream' });
    const out = run.stream({ inputData: { value: 1 } });
    const events = [];
    for await (const ev of out.fullStream) events.push(ev);
    return { events, result: await out.result };
  },

  async 'stream-suspend'() {
    const ask = createStep({
      id: 'ask',
      inputSchema: num,
      outputSchema: num,
      suspendSchema: z.object({ q: z.string() }),
      resumeSchema: z.object({ a: z.number() }),
      execute: async ({ inputData, resumeData, suspend }) => {
        if (!resumeData) return await suspend({ q: 'number?' });
        return { value: inputData.value + resumeData.a };
      },
    });
    const wf = createWorkflow({ id: 'wf-stream-suspend', inputSchema: num, outputSchema: num })
      .then(ask)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-stream-suspend' });
    const out = run.stream({ inputData: { value: 1 } });
    const events = [];
    for await (const ev of out.fullStream) events.push(ev);
    const result = await out.result;
    const watched = [];
    run.watch((ev) => watched.push(ev));
    const resumed = await run.resume({ step: 'ask', resumeData: { a: 10 } });
    return { events, result, watched, resumed };
  },

  async 'stream-failure'() {
    const wf = createWorkflow({ id: 'wf-stream-failure', inputSchema: num, outputSchema: num })
      .then(addOne)
      .then(boom)
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-stream-failure' });
    const out = run.stream({ inputData: { value: 1 } });
    const events = [];
    for await (const ev of out.fullStream) events.push(ev);
    return { events, result: await out.result };
  },

  async 'stream-parallel'() {
    const wf = createWorkflow({ id: 'wf-stream-parallel', inputSchema: num, outputSchema: z.any() })
      .parallel([addOne, double])
      .commit();
    const w = mastraWith({ wf }).getWorkflow('wf');
    const run = await w.createRun({ runId: 'run-stream-parallel' });
    const out = run.stream({ inputData: { value: 1 } });
    const events = [];
    for await (const ev of out.fullStream) events.push(ev);
    return { events, result: await out.result };
  },
};

// An agent with `workflows` calls it as the tool `workflow-<key>`; the model is the loopback fake
// server whose URL the recorder passes in LUMOS_FAKE_LLM_URL (the script: one tool call, then text).
scenarios['agent-tool'] = async () => {
  const { Agent } = req('@mastra/core/agent');
  const url = process.env.LUMOS_FAKE_LLM_URL;
  if (!url) return { skipped: 'LUMOS_FAKE_LLM_URL not set' };
  const wf = createWorkflow({
    id: 'wf-tool',
    description: 'Adds one then doubles',
    inputSchema: num,
    outputSchema: num,
    stateSchema: z.object({ note: z.string().optional() }),
  })
    .then(addOne)
    .then(double)
    .commit();
  const agent = new Agent({
    id: 'wf-agent',
    name: 'wf-agent',
    instructions: 'Use the workflow.',
    model: { id: 'fake/fake-model', url: `${url}/v1`, apiKey: 'test-key' },
    workflows: { calc: wf },
  });
  const out = await agent.generate('run it', { maxSteps: 3 });
  return { text: out.text, toolResults: out.toolResults.map((c) => c.payload) };
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(scenarios);
const out = {};
for (const name of names) {
  if (!scenarios[name]) {
    process.stderr.write(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}\n`);
    process.exit(2);
  }
  try {
    out[name] = safe(await scenarios[name]());
  } catch (err) {
    out[name] = { crashed: { message: err.message, name: err.name, stack: String(err.stack) } };
  }
}
process.stdout.write(JSON.stringify(out));
