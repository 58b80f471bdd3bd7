// Records what real Mastra sends to the model for each schema of the zod zoo.
//
// Run by tests/oracle_zod/record.py (never by the test suite): it copies this file and zoo.ts into a
// scratch directory whose node_modules points at an installed Mastra, starts a FakeLLMServer, and
// reads the request bodies the server recorded. For each exported schema of zoo.ts this script
// builds an agent with a single tool (named after the export) and calls generate() twice: once
// with a custom OpenAI-compatible model (chat completions) and once with the 'openai/gpt-4o-mini'
// router model (Responses API). It prints one JSON line per call: {name, mode, ok, error?}.
import { Agent } from "@mastra/core/agent";
import { createTool } from "@mastra/core/tools";
import * as zoo from "./zoo.ts";

const url = process.env.ZOO_SERVER_URL;
if (!url) {
  throw new Error("ZOO_SERVER_URL is not set (the FakeLLMServer /v1 base URL)");
}

const models = {
  chat: { id: "fake/fake-model", url, apiKey: "k" },
  responses: "openai/gpt-4o-mini",
};

const only = process.env.ZOO_ONLY ? new Set(process.env.ZOO_ONLY.split(",")) : null;

for (const [name, schema] of Object.entries(zoo)) {
  if (only && !only.has(name)) continue;
  const tool = createTool({
    id: `zoo-${name}`,
    description: `zoo entry ${name}`,
    inputSchema: schema,
    execute: async () => ({ ok: true }),
  });
  for (const [mode, model] of Object.entries(models)) {
    const agent = new Agent({
      id: `zoo-agent-${name}-${mode}`,
      name: `zoo-agent-${name}-${mode}`,
      instructions: "zoo",
      model,
      tools: { [name]: tool },
    });
    try {
      await agent.generate("hi", { maxSteps: 1 });
      console.log(JSON.stringify({ name, mode, ok: true }));
    } catch (err) {
      console.log(JSON.stringify({ name, mode, ok: false, error: String(err?.message ?? err) }));
    }
  }
}
