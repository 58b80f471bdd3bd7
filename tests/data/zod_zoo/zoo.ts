// The zod zoo: one exported object schema per construct lumos-migrate converts.
// tests/oracle_zod/record.py gives each exported schema to a real Mastra agent as a tool's
// inputSchema and stores what Mastra sent to the model in zoo.json. Non-exported names are helpers
// that entries refer to (named schemas, TypeScript enums).
import { z } from "zod";

enum Color {
  Red = "red",
  Green = "green",
  Blue = "blue",
}

enum Level {
  Low,
  Mid,
  High,
}

const Address = z.object({
  street: z.string(),
  city: z.string().describe("City name"),
});

const Tag = z.string().min(1).max(20);

interface TreeNode {
  value: number;
  children: TreeNode[];
}

const TreeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    value: z.number(),
    children: z.array(TreeNodeSchema),
  }),
);

const Base = z.object({ id: z.string(), createdAt: z.string() });

export const primitives = z.object({
  s: z.string(),
  n: z.number(),
  b: z.boolean(),
  nil: z.null(),
  anything: z.any(),
  unk: z.unknown(),
});

export const weatherInput = z.object({
  location: z.string().describe("City name"),
  units: z.enum(["metric", "imperial"]).default("metric").describe("Unit system"),
});

export const integers = z.object({
  count: z.number().int(),
  page: z.int(),
  big: z.number().int().min(1).max(100),
  positive: z.number().positive(),
  negative: z.number().negative(),
  nonneg: z.number().nonnegative(),
  nonpos: z.number().nonpositive(),
});

export const numberBounds = z.object({
  a: z.number().min(0).max(10),
  b: z.number().gt(0).lt(1),
  c: z.number().gte(5).lte(6),
  d: z.number().multipleOf(5),
  e: z.number().step(0.5),
});

export const stringLengths = z.object({
  a: z.string().min(2).max(5),
  b: z.string().length(3),
  c: z.string().nonempty(),
  d: z.string().regex(/^[a-z]+$/),
  e: z.string().startsWith("ab"),
  f: z.string().endsWith("yz"),
  g: z.string().includes("mid"),
  h: z.string().trim().toLowerCase(),
});

export const stringFormatsV3 = z.object({
  email: z.string().email(),
  url: z.string().url(),
  uuid: z.string().uuid(),
  cuid: z.string().cuid(),
  cuid2: z.string().cuid2(),
  ulid: z.string().ulid(),
  datetime: z.string().datetime(),
  date: z.string().date(),
  time: z.string().time(),
  emoji: z.string().emoji(),
  nanoid: z.string().nanoid(),
  base64: z.string().base64(),
});

export const stringFormatsV4 = z.object({
  email: z.email(),
  url: z.url(),
  uuid: z.uuid(),
  guid: z.guid(),
  cuid: z.cuid(),
  datetime: z.iso.datetime(),
  date: z.iso.date(),
  time: z.iso.time(),
  duration: z.iso.duration(),
  ipv4: z.ipv4(),
  ipv6: z.ipv6(),
  hostname: z.hostname(),
});

export const enums = z.object({
  kind: z.enum(["a", "b", "c"]),
  color: z.nativeEnum(Color),
  colorV4: z.enum(Color),
  level: z.nativeEnum(Level),
});

export const literals = z.object({
  s: z.literal("fixed"),
  n: z.literal(42),
  b: z.literal(true),
  multi: z.literal(["x", "y"]),
});

export const arrays = z.object({
  tags: z.array(z.string()),
  nums: z.number().array(),
  bounded: z.array(z.string()).min(1).max(3),
  exact: z.array(z.number()).length(2),
  nonempty: z.array(z.boolean()).nonempty(),
  nested: z.array(z.array(z.number())),
});

export const arrayOfObjects = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      qty: z.number().int().positive(),
    }),
  ),
});

export const tuples = z.object({
  pair: z.tuple([z.string(), z.number()]),
  withRest: z.tuple([z.string()]).rest(z.number()),
  withRestArg: z.tuple([z.boolean(), z.string()], z.number()),
});

export const unions = z.object({
  value: z.union([z.string(), z.number()]),
  orValue: z.string().or(z.boolean()),
  objects: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]),
});

export const discriminated = z.object({
  shape: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("circle"), radius: z.number() }),
    z.object({ kind: z.literal("square"), side: z.number() }),
  ]),
});

export const intersections = z.object({
  both: z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
  andBoth: z.object({ x: z.string() }).and(z.object({ y: z.string() })),
});

export const records = z.object({
  oneArg: z.record(z.string(), z.number()),
  enumKeys: z.record(z.enum(["a", "b"]), z.string()),
  anyValues: z.record(z.string(), z.any()),
  nestedObj: z.record(z.string(), z.object({ v: z.number() })),
});

export const optionalNullable = z.object({
  required: z.string(),
  optional: z.string().optional(),
  nullable: z.string().nullable(),
  nullish: z.string().nullish(),
  optionalNullable: z.number().optional().nullable(),
  wrappedOptional: z.optional(z.number()),
  wrappedNullable: z.nullable(z.number()),
});

export const defaults = z.object({
  s: z.string().default("hello"),
  n: z.number().default(3),
  b: z.boolean().default(false),
  arr: z.array(z.string()).default([]),
  obj: z.object({ k: z.string() }).default({ k: "v" }),
  nul: z.string().nullable().default(null),
  describedDefault: z.number().default(1).describe("After default"),
  defaultThenDescribe: z.number().describe("Before default").default(2),
  optDefault: z.string().optional().default("x"),
});

export const descriptions = z.object({
  a: z.string().describe("A string"),
  b: z.number().meta({ description: "Via meta" }),
  c: z.object({ inner: z.string() }).describe("An object"),
  d: z.array(z.string()).describe("A list"),
  e: z.string().optional().describe("Optional described"),
  f: z.string().describe("Described optional").optional(),
}).describe("Top level");

export const strictObject = z.object({ a: z.string() }).strict();
export const passthroughObject = z.object({ a: z.string() }).passthrough();
export const stripObject = z.object({ a: z.string() }).strip();
export const catchallObject = z.object({ a: z.string() }).catchall(z.number());
export const strictObjectV4 = z.strictObject({ a: z.string() });
export const looseObjectV4 = z.looseObject({ a: z.string() });

export const nestedObjects = z.object({
  user: z.object({
    name: z.string(),
    address: z.object({
      street: z.string(),
      zip: z.string().optional(),
    }),
  }),
});

export const namedRefs = z.object({
  home: Address,
  work: Address.optional(),
  tags: z.array(Tag),
});

export const recursive = z.object({
  root: TreeNodeSchema,
});

export const extended = Base.extend({
  name: z.string(),
});

export const merged = Base.merge(z.object({ extra: z.boolean() }));

export const picked = Base.pick({ id: true });

export const omitted = Base.omit({ createdAt: true });

export const partialAll = Base.partial();

export const partialSome = Base.extend({ name: z.string() }).partial({ name: true });

export const requiredAll = z.object({ a: z.string().optional(), b: z.number().optional() }).required();

export const shapeAccess = z.object({
  id: Base.shape.id,
  city: Address.shape.city,
});

export const spreadShape = z.object({
  ...Base.shape,
  name: z.string(),
});

export const keyofEnum = z.object({
  field: Base.keyof(),
});

export const branded = z.object({
  userId: z.string().brand<"UserId">(),
  frozen: z.array(z.string()).readonly(),
  fallback: z.number().catch(0),
});

export const coerced = z.object({
  n: z.coerce.number(),
  s: z.coerce.string(),
  b: z.coerce.boolean(),
  d: z.coerce.date(),
});

export const refined = z.object({
  password: z.string().min(8).refine((v) => /[0-9]/.test(v), { message: "needs a digit" }),
  range: z
    .object({ lo: z.number(), hi: z.number() })
    .superRefine((v, ctx) => {
      if (v.lo > v.hi) ctx.addIssue({ code: "custom", message: "lo > hi" });
    }),
});

export const transformed = z.object({
  trimmed: z.string().transform((s) => s.trim()),
  piped: z.string().pipe(z.string().min(1)),
  pre: z.preprocess((v) => String(v), z.string()),
  toNumber: z.string().transform((s) => Number(s)).pipe(z.number()),
});

export const dates = z.object({
  when: z.date(),
  maybe: z.date().optional(),
});

export const bigints = z.object({
  big: z.bigint(),
});

export const mapsAndSets = z.object({
  m: z.map(z.string(), z.number()),
  s: z.set(z.string()),
});

export const neverField = z.object({
  a: z.string(),
  nope: z.never().optional(),
});

export const functionDefault = z.object({
  stamp: z.string().default(() => "now"),
});

export const enumMethods = z.object({
  only: z.enum(["a", "b", "c"]).extract(["a", "b"]),
  without: z.enum(["a", "b", "c"]).exclude(["a"]),
});

export const nonAsciiKeys = z.object({
  "first-name": z.string(),
  class: z.string(),
  "1st": z.number(),
});

export const deepNesting = z.object({
  orders: z.array(
    z.object({
      id: z.string(),
      lines: z.array(
        z.object({
          sku: z.string(),
          price: z.number().nonnegative(),
        }),
      ),
      status: z.enum(["open", "closed"]),
    }),
  ),
});

export const unionWithNull = z.object({
  value: z.union([z.string(), z.null()]),
  triple: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export const literalUnion = z.object({
  mode: z.union([z.literal("fast"), z.literal("slow")]),
});

export const emptyObject = z.object({});

export const describedNested = z.object({
  filter: z
    .object({
      field: z.string().describe("Field name"),
      op: z.enum(["eq", "ne"]).describe("Operator"),
    })
    .describe("A filter")
    .optional(),
});

export const unionEdgeCases = z.object({
  constrainedMember: z.union([z.string().min(1), z.number()]),
  stringOrObject: z.union([z.string(), z.object({ x: z.string() })]),
  withNullMember: z.union([z.string(), z.null(), z.number()]),
  nullableUnion: z.union([z.string(), z.number()]).nullable(),
  describedUnion: z.union([z.string(), z.number()]).describe("U"),
  describedMember: z.union([z.string().describe("inner"), z.number()]),
  numberOrInt: z.union([z.number(), z.number().int()]),
  anyMember: z.union([z.any(), z.string()]),
  literalMix: z.union([z.string(), z.literal(5)]),
  boolOrArray: z.union([z.boolean(), z.array(z.string())]),
  nullableDiscriminated: z
    .discriminatedUnion("t", [
      z.object({ t: z.literal("a") }),
      z.object({ t: z.literal("b"), v: z.string().optional() }),
    ])
    .nullable(),
});

export const modifierOrder = z.object({
  nullableObject: z.object({ x: z.string() }).nullable(),
  nullableEnum: z.enum(["a", "b"]).nullable(),
  nullableArray: z.array(z.string()).nullable(),
  nullableInt: z.number().int().nullable(),
  nullableLiteral: z.literal(3).nullable(),
  literalNull: z.literal(null),
  describedThenNullable: z.string().describe("D").nullable(),
  nullableThenDescribed: z.string().nullable().describe("N"),
  defaultThenNullable: z.string().default("d").nullable(),
  optNullDefault: z.string().optional().nullable().default("q"),
  nullableAny: z.nullable(z.any()),
  describedEnumOptional: z.enum(["x"]).optional().describe("E"),
  nullishDescribed: z.string().nullish().describe("nd"),
});

export const anyPlaces = z.object({
  optionalAny: z.any().optional(),
  describedAny: z.any().describe("x"),
  arrayOfAny: z.array(z.any()),
  tupleWithAny: z.tuple([z.any(), z.string()]),
  recordOfUnknown: z.record(z.string(), z.unknown()),
  nested: z.object({ inner: z.unknown(), list: z.array(z.object({ v: z.any() })) }),
  catchallUnknown: z.object({ a: z.string() }).catchall(z.unknown()),
  never: z.never(),
});

export const intersectionEdgeCases = z.object({
  sameKey: z.intersection(z.object({ a: z.string() }), z.object({ a: z.string().min(2) })),
  primitives: z.intersection(z.string(), z.string().min(3)),
  strictMember: z.object({ a: z.string() }).and(z.object({ b: z.string() }).strict()),
  looseMember: z.object({ a: z.string() }).and(z.object({ b: z.string() }).passthrough()),
  withRecord: z.intersection(z.object({ a: z.string().optional() }), z.record(z.string(), z.string())),
});

const Category: z.ZodType<{ name: string; sub?: unknown[] }> = z.lazy(() =>
  z.object({
    name: z.string(),
    sub: z.array(Category).optional(),
  }),
);

export const recursiveRoot = Category;

export const sizedNumbers = z.object({
  i32: z.int32(),
  u32: z.uint32(),
  f64: z.float64(),
  intGt: z.number().int().gt(5),
  intLt: z.number().int().lt(5).describe("small"),
});

export const refineEdgeCases = z.object({
  code: z
    .string()
    .max(4)
    .refine((v) => v === v.toUpperCase())
    .refine((v) => !v.includes(" "), "no spaces"),
  even: z.number().int().min(0).refine((n) => n % 2 === 0, { error: "must be even" }),
  window: z
    .object({ start: z.number(), end: z.number() })
    .refine((w) => w.start < w.end, { message: "start before end", path: ["end"] }),
  tags: z.array(z.string()).superRefine((tags, ctx) => {
    if (tags.length > 2) ctx.addIssue({ code: "custom", message: "at most two tags" });
    if (tags.includes("")) ctx.addIssue({ code: "custom", message: "no empty tag", path: [0] });
  }),
  bounded: z
    .object({ n: z.number().max(10), m: z.number() })
    .refine((o) => o.n < o.m, "n must be below m"),
});

export const transformEdgeCases = z.object({
  slug: z
    .string()
    .transform((s) => s.toLowerCase())
    .refine((s) => s.length > 2, "slug too short"),
  count: z.string().transform((s) => s.length),
  fallback: z.number().catch(0),
  piped: z
    .string()
    .transform((s) => s.length)
    .pipe(z.number().min(2)),
  maybe: z
    .string()
    .optional()
    .transform((s) => s ?? "none"),
});
