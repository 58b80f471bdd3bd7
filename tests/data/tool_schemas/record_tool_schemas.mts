// Records what real Mastra (@mastra/core 1.71, zod 4) sends as tool parameters; the JSON files beside
// this script were written from its requests. Not run by the test suite. To re-record:
//   1. start a lumos_compat.testing.FakeLLMServer(["hello"]) from Python and export
//      FAKE_URL=<server>/v1 (and, for MODEL=openai, OPENAI_BASE_URL=<server>/v1 OPENAI_API_KEY=k);
//   2. run `node --import tsx record_tool_schemas.mts` from a directory whose node_modules holds
//      @mastra/core and zod (e.g. /tmp/mastra-scratch);
//   3. read tools[].function.parameters (chat completions) or tools[].parameters (/v1/responses)
//      from the recorded request body; write {zod, model, mastra_parameters} per tool.
import { z } from 'zod';
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';

const SOURCES = {
  basic: `z.object({ location: z.string().describe("City name"), days: z.number(), metric: z.boolean() })`,
  integers: `z.object({ count: z.number().int(), page: z.number().int().min(1).max(100), ratio: z.number().min(0).max(1), positive: z.number().int().positive() })`,
  optional_default: `z.object({ query: z.string(), limit: z.number().int().default(10).describe("Max results"), cursor: z.string().optional(), verbose: z.boolean().default(false) })`,
  nullable: `z.object({ name: z.string().nullable(), age: z.number().int().nullable().optional(), note: z.string().nullish() })`,
  enum_literal: `z.object({ unit: z.enum(["celsius", "fahrenheit"]), kind: z.literal("weather"), level: z.literal(3), flag: z.literal(true) })`,
  union: `z.object({ value: z.union([z.string(), z.number()]), id: z.string().or(z.number().int()) })`,
  discriminated_union: `z.object({ shape: z.discriminatedUnion("type", [z.object({ type: z.literal("circle"), radius: z.number() }), z.object({ type: z.literal("square"), side: z.number() })]) })`,
  tuple_record: `z.object({ point: z.tuple([z.number(), z.number()]), tags: z.record(z.string(), z.number()), labels: z.record(z.string(), z.string()).optional() })`,
  formats: `z.object({ email: z.email(), site: z.url(), id: z.uuid(), when: z.iso.datetime(), email_old: z.string().email(), date: z.iso.date() })`,
  nested: `z.object({ user: z.object({ name: z.string(), address: z.object({ city: z.string(), zip: z.string().optional() }) }), items: z.array(z.object({ sku: z.string(), qty: z.number().int().default(1) })).describe("Line items") })`,
  string_array_constraints: `z.object({ code: z.string().min(2).max(8), pattern: z.string().regex(/^[a-z]+$/), list: z.array(z.string()).min(1).max(5), exact: z.string().length(4) })`,
  recursive: `(() => { const Node = z.object({ name: z.string(), get children() { return z.array(Node).optional(); } }); return z.object({ root: Node }); })()`,
  described_object: `z.object({ filter: z.object({ field: z.string(), op: z.enum(["eq", "ne"]) }).describe("A filter").optional() }).describe("Search input")`,
  reused: `(() => { const Addr = z.object({ city: z.string() }); return z.object({ home: Addr, work: Addr.optional() }); })()`,
  any_unknown: `z.object({ payload: z.any(), extra: z.unknown(), meta: z.record(z.string(), z.any()).optional() })`,
  default_object_array: `z.object({ opts: z.object({ a: z.number() }).default({ a: 1 }), tags: z.array(z.string()).default([]) })`,
  number_exclusive: `z.object({ gt: z.number().gt(0), lt: z.number().lt(10), multiple: z.number().multipleOf(5), nonneg: z.number().nonnegative() })`,
};

const tools: Record<string, any> = {};
for (const [name, src] of Object.entries(SOURCES)) {
  const schema = new Function('z', 'return ' + src)(z);
  tools[name] = createTool({ id: name, description: 'tool ' + name, inputSchema: schema, execute: async () => 'ok' });
}
tools['no_schema'] = createTool({ id: 'no_schema', description: 'no schema', execute: async () => 'ok' });
tools['json_schema'] = createTool({ id: 'json_schema', description: 'json', inputSchema: { type: 'object', properties: { a: { type: 'string', description: 'A' }, b: { type: 'object', properties: { c: { type: 'integer' } } } }, required: ['a'] } as any, execute: async () => 'ok' });
const model = process.env.MODEL === 'openai' ? 'openai/gpt-4o-mini' : { id: 'fake/fake-model', url: process.env.FAKE_URL!, apiKey: 'k' } as any;
const agent = new Agent({ id: 'a', name: 'a', instructions: 'x', model, tools });
const r = await agent.generate('hi');
console.log('TEXT', r.text);
