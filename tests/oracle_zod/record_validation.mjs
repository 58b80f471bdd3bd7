// Records how real zod 4 and Mastra 1.71 reject invalid tool inputs (see record_validation.py).
//
// Run by tests/oracle_zod/record_validation.py, never by the test suite: it copies this file,
// zoo.ts and cases.json into a scratch directory whose node_modules points at an installed Mastra
// and starts a FakeLLMServer scripted with one tool call per (case, mode). For every case this
// script prints one JSON line with
//   - zod: the issues of schema.safeParse(input) (code, path, message);
//   - direct: validateToolInput(schema, input, name) from @mastra/core/tools;
//   - chat / responses: the tool result an agent run produced (the error object Mastra sends the
//     model), with a custom OpenAI-compatible model and with 'openai/gpt-4o-mini' (whose schema
//     compatibility layer also rewrites the validation schema).
import { readFileSync } from "node:fs";
import { Agent } from "@mastra/core/agent";
import { createTool, validateToolInput } from "@mastra/core/tools";
import * as zoo from "./zoo.ts";

const url = process.env.ZOO_SERVER_URL;
if (!url) throw new Error("ZOO_SERVER_URL is not set (the FakeLLMServer /v1 base URL)");

const models = {
  chat: { id: "fake/fake-model", url, apiKey: "k" },
  responses: "openai/gpt-4o-mini",
};

const plain = (value) =>
  JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v === undefined ? null : v)),
  );

const { cases } = JSON.parse(readFileSync("./cases.json", "utf8"));
for (const [index, entry] of cases.entries()) {
  const schema = zoo[entry.schema];
  if (!schema) throw new Error(`case ${index}: zoo.ts exports no schema ${entry.schema}`);
  const parsed = schema.safeParse(entry.input);
  const out = {
    index,
    zod: parsed.success
      ? null
      : parsed.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
    direct: plain(validateToolInput(schema, entry.input, entry.schema).error ?? null),
  };
  const tool = createTool({
    id: `zoo-${entry.schema}`,
    description: `zoo entry ${entry.schema}`,
    inputSchema: schema,
    execute: async () => ({ ok: true }),
  });
  for (const [mode, model] of Object.entries(models)) {
    const agent = new Agent({
      id: `validation-${mode}`,
      name: `validation-${mode}`,
      instructions: "validate",
      model,
      tools: { [entry.schema]: tool },
    });
    try {
      const result = await agent.generate("go", { maxSteps: 1 });
      const toolResult = result.toolResults[0]?.payload;
      out[mode] = toolResult ? plain(toolResult.result) : { missing: true, text: result.text };
    } catch (err) {
      out[mode] = { thrown: String(err?.message ?? err) };
    }
  }
  console.log(JSON.stringify(out));
}
