import fc from "fast-check";

/** The parts of JSON Schema (as @hono/zod-openapi emits it) the generators read. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
}

type Components = Record<string, JsonSchema>;

/** Strings that have broken parsers, paths and encodings before. */
export const NASTY_STRINGS = [
  "",
  " ",
  "../../../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "%",
  "%ZZ",
  "%C0%AF",
  "\u0000",
  "\u202e\u0041\u0042",
  "😀👍🏽",
  "𝕳𝖊𝖑𝖑𝖔",
  "null",
  "undefined",
  "[]",
  "{}",
  "<script>alert(1)</script>",
  "'; DROP TABLE runs; --",
  "$(touch /tmp/pwned)",
  "`id`",
  "\r\n\r\nHTTP/1.1 200 OK",
  "a".repeat(300_000),
];

/** Any JSON value, of any shape. */
export const junk = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(...NASTY_STRINGS),
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ unit: "binary", maxLength: 64 }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  );

/** Keeps generated values small enough that a valid request finishes fast (long waits, huge counts). */
const cap = (min: number, max: number) => Math.min(max, min + 2_000);

/**
 * An arbitrary of values that satisfy `schema` as far as JSON Schema says (patterns aside), so
 * requests get past validation and reach the handlers; sizes are kept small.
 */
export function fromSchema(schema: JsonSchema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop() as string;
    return fromSchema(components[name] ?? {}, components, depth);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((option) => fromSchema(option, components, depth + 1)));
  if (schema.allOf?.length) return fromSchema(Object.assign({}, ...schema.allOf), components, depth);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nullable = schema.nullable || types.includes("null");
  const type = types.find((t) => t !== "null");
  const value = (() => {
    switch (type) {
      case "string":
        return stringFor(schema);
      case "integer": {
        const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
        const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : min + 1000);
        return fc.integer({ min, max: cap(min, max) });
      }
      case "number": {
        const min = schema.minimum ?? 0;
        const max = schema.maximum ?? min + 1000;
        return fc.double({ min, max: cap(min, max), noNaN: true, noDefaultInfinity: true });
      }
      case "boolean":
        return fc.boolean();
      case "array":
        if (depth > 3) return fc.constant([]);
        return fc.array(fromSchema(schema.items ?? {}, components, depth + 1), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 4, Math.max(schema.minItems ?? 0, 4)),
        });
      case "object":
        return objectFor(schema, components, depth);
      default:
        return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return nullable ? fc.option(value as fc.Arbitrary<unknown>, { nil: null }) : (value as fc.Arbitrary<unknown>);
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === "uuid" || schema.pattern?.includes("0-9a-f")) return fc.uuid();
  if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  if (schema.format === "uri" || schema.format === "url") return fc.webUrl();
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, Math.max(minLength, 40));
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ unit: "binary", minLength, maxLength }));
}

/** Values for fields whose schema cannot say what would work here (a repository that exists …). */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  repository: fc.constant("demo"),
  agent: fc.constant("cursor"),
  reviewAgent: fc.constant("cursor"),
  callbackUrl: fc.constant("http://127.0.0.1:9/callback"),
  callback_url: fc.constant("http://127.0.0.1:9/callback"),
};

function objectFor(schema: JsonSchema, components: Components, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(properties).map(([key, value]) => {
    const generated = fromSchema(value, components, depth + 1);
    const arbitrary = HINTS[key]
      ? fc.oneof({ arbitrary: HINTS[key], weight: 3 }, { arbitrary: generated, weight: 1 })
      : generated;
    // Optional fields mostly left out, so a generated body is often valid as a whole.
    const optional = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
    return [key, required.has(key) ? arbitrary : optional] as const;
  });
  return fc.record(Object.fromEntries(entries)).map((record) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
    return out;
  });
}

/** One way of breaking a valid value: a field dropped, retyped, made huge, or the whole thing replaced. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    junk(),
    fc.tuple(valid, fc.nat(), junk()).map(([value, pick, replacement]) => {
      if (!value || typeof value !== "object" || Array.isArray(value)) return replacement;
      const keys = Object.keys(value);
      if (keys.length === 0) return { [String(pick)]: replacement };
      const key = keys[pick % keys.length] as string;
      return { ...(value as object), [key]: replacement };
    }),
    fc.tuple(valid, fc.nat()).map(([value, pick]) => {
      if (!value || typeof value !== "object" || Array.isArray(value)) return value;
      const keys = Object.keys(value);
      const copy = { ...(value as Record<string, unknown>) };
      if (keys.length) delete copy[keys[pick % keys.length] as string];
      return copy;
    }),
  );
}

/**
 * A path parameter: one of `known` (ids of things that exist, so the handlers behind validation
 * run), a plausible one, or junk (encoded so it stays one segment, or raw percent junk).
 */
export function pathParam(schema: JsonSchema | undefined, components: Components, known: string[] = []): fc.Arbitrary<string> {
  const plausible = schema ? fromSchema(schema, components).map(String) : fc.string({ maxLength: 20 });
  return fc.oneof(
    ...(known.length ? [{ arbitrary: fc.constantFrom(...known).map(encodeURIComponent), weight: 4 }] : []),
    { arbitrary: plausible.map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.constantFrom(...NASTY_STRINGS.slice(0, -1)).map(encodeURIComponent), weight: 1 },
    { arbitrary: fc.constantFrom("%", "%ZZ", "%C0%AF", "%00", "..", "%2e%2e"), weight: 1 },
    { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).map(encodeURIComponent), weight: 1 },
  );
}
