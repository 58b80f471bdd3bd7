// What the differential recorders' Node programs (run_tool/run_step/run_workflow.mjs) share:
// every fetch goes to the loopback server (the original host in `x-lumos-original-host`), the fake
// LLM's requests stay as they are, each request is tagged with its case (`x-lumos-case`), and what
// the code prints with process.stdout.write can be captured per case.

export const current = { index: -1, printed: '' };

export function redirectFetch(serverUrl, llmUrl) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const original = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    const headers = new Headers(init?.headers);
    headers.set('x-lumos-case', String(current.index));
    if (llmUrl && original.href.startsWith(llmUrl)) return realFetch(input, { ...init, headers });
    // keep the path and query exactly as sent (a bare '?' included), drop the fragment
    const rest = original.href.slice(original.origin.length).split('#')[0];
    headers.set('x-lumos-original-host', original.host);
    return realFetch(serverUrl.replace(/\/$/, '') + rest, { ...init, headers });
  };
}

// Capture process.stdout.write into current.printed; returns the real write for the results.
export function captureStdout() {
  const realWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    current.printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = rest.find((r) => typeof r === 'function');
    if (callback) callback();
    return true;
  };
  return realWrite;
}

export function startCase(index) {
  current.index = index;
  current.printed = '';
}

export function errorMessage(error) {
  if (!error) return null;
  if (typeof error === 'string') return error;
  return error.message ?? String(error);
}

// The agents a step or workflow looks up, answering from the fake LLM server.
export function fakeAgents(Agent, names, llmUrl) {
  const agents = {};
  for (const name of names ?? []) {
    agents[name] = new Agent({
      id: name,
      name,
      instructions: 'You help.',
      model: { id: 'fake/fake-model', url: `${llmUrl}/v1`, apiKey: 'test-key' },
    });
  }
  return agents;
}
