import { mkdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestContext, type TestContext } from "../support/deps";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import { fromSchema, type JsonSchema, junk, mutated, pathParam } from "./arbitraries";

/**
 * Schema-driven fuzzing of every route in /openapi.json (plus the UI's), through app.request() on
 * real deps: a libSQL file, a real Xvfb for computer use, an agent CLI that answers at once. Each
 * operation gets plausible requests generated from its own schemas (they reach the handlers) and
 * broken ones (fields retyped, dropped, made huge; junk JSON; wrong content types and encodings;
 * junk path parameters), with and without the token. Whatever comes in: no 500, no 5xx the route
 * does not document, no stack trace, the one error envelope, and never an answer without the token.
 */

const TOKEN = "fuzz-token";
const INSTANT_AGENT = join(import.meta.dirname, "..", "..", "bench", "fixtures", "instant-agent.sh");
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  body?: JsonSchema;
  documented: Set<number>;
}

interface Finding {
  request: string;
  status: number;
  problem: string;
}

let ctx: TestContext;
let x: TestDisplay;
let components: Record<string, JsonSchema>;
let operations: Operation[];
/** Ids of things that exist (a run, tasks, conversations, settings …), by path parameter name. */
const known: Record<string, string[]> = { id: [], conversationId: [], name: ["debug", "task_operator"], repository: ["demo"] };
const findings: Finding[] = [];
let sent = 0;
/** Status codes seen per operation, so a run shows it reached the handlers (2xx), not only validation. */
const seenStatuses = new Map<string, Map<number, number>>();

beforeAll(async () => {
  x = await startTestDisplay();
  const root = join(import.meta.dirname, "..", "..");
  ctx = await makeTestContext({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    RUNNER_API_TOKENS: TOKEN,
    CURSOR_CLI_PATH: INSTANT_AGENT,
    REVIEW_AGENT_CLI_PATH: INSTANT_AGENT,
    // Generated bodies name any agent: every one answers at once (the real CLIs are on npx's PATH and
    // would wait for a model the fuzz does not provide, up to the run's timeout).
    CLAUDE_CLI_PATH: INSTANT_AGENT,
    CODEX_CLI_PATH: INSTANT_AGENT,
    GEMINI_CLI_PATH: INSTANT_AGENT,
    OPENCODE_CLI_PATH: INSTANT_AGENT,
    RATE_LIMIT_PER_WINDOW: "0",
    GIT_COMMAND_TIMEOUT: "2000",
    DESKTOP_ENABLED: "true",
    DISPLAY: x.display,
    DESKTOP_ACTION_TIMEOUT_MS: "3000",
    LOG_LEVEL: "silent",
  });
  mkdirSync(join(ctx.dir, "repositories", "demo"), { recursive: true });
  mkdirSync(join(ctx.dir, "desktop"), { recursive: true });
  await seed();
  const spec = (await (await ctx.app.request("/openapi.json", { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as any;
  components = spec.components?.schemas ?? {};
  operations = [];
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.["application/json"]?.schema,
        documented: new Set(Object.keys(op.responses ?? {}).map(Number)),
      });
    }
  }
  // The web UI's routes are not in the API description; fuzz them too.
  operations.push({ method: "GET", path: "/", parameters: [], documented: new Set([200, 503]) });
  operations.push({
    method: "GET",
    path: "/ui/{file}",
    parameters: [{ name: "file", in: "path", required: true }],
    documented: new Set([200, 404, 503]),
  });
  void root;
}, 120_000);

/** Creates one of each kind of thing, so generated requests can name real ones. */
async function seed() {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await ctx.app.request(path, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as Record<string, any>;
  };
  await call("PUT", "/api/settings/task_operator", { value: 0 });
  const run = await call("POST", "/cursor/execute", { prompt: "seed", repository: "demo" });
  const tasks = await Promise.all([1, 2, 3].map((n) => call("POST", "/tasks", { description: `seed ${n}`, repository: "demo" })));
  const original = await call("POST", "/api/tasks", { prompt: "seed" });
  const conversation = await call("POST", "/api/new", {});
  const agentConversation = await call("POST", "/api/agent/new", {});
  known.id?.push(run.runId, ...tasks.map((t) => t.id), String(original.id), agentConversation.conversationId);
  known.conversationId?.push(conversation.conversationId);
}

afterAll(async () => {
  const reached = [...seenStatuses.values()].filter((counts) => [...counts.keys()].some((status) => status < 400)).length;
  console.info(
    `fuzz: ${sent} requests over ${operations?.length ?? 0} operations (${reached} answered 2xx/3xx at least once); findings: ${findings.length}`,
  );
  if (process.env.FUZZ_VERBOSE) {
    for (const [op, counts] of seenStatuses) console.info(op, JSON.stringify(Object.fromEntries(counts)));
  }
  await ctx?.deps.runs.stopAll();
  ctx?.deps.desktop.close();
  ctx?.cleanup();
  await x?.stop();
});

const STACK = /\n\s+at .+[:(]\d+:\d+|(?:Error|TypeError|RangeError): .+\n\s+at /;

/** Sends one request and records whatever is wrong with its answer. */
async function probe(label: string, path: string, init: RequestInit, op: Operation, authenticated: boolean) {
  sent++;
  let res: Response;
  let text: string;
  // A request that never answers, or a body that never ends, is a finding too, named here rather
  // than as the whole test timing out.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no complete answer within 60 s")), 60_000);
  });
  try {
    [res, text] = await Promise.race([
      (async () => {
        const answer = await ctx.app.request(path, { ...init, signal: AbortSignal.timeout(20_000) });
        return [answer, await answer.text().catch(() => "")] as const;
      })(),
      hung,
    ]);
  } catch (error) {
    const body = typeof init.body === "string" ? ` with body ${init.body.slice(0, 500)}` : "";
    findings.push({ request: `${label}${body}`, status: 0, problem: `the app threw: ${(error as Error).message}` });
    return;
  } finally {
    clearTimeout(timer);
  }
  const key = `${op.method} ${op.path}`;
  const counts = seenStatuses.get(key) ?? new Map<number, number>();
  counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
  seenStatuses.set(key, counts);
  const fail = (problem: string) =>
    findings.push({ request: label, status: res.status, problem: `${problem}: ${text.slice(0, 300)}` });
  // URL parsing resolves dot segments (`/runs/%2e%2e` is `/`): judge by the path the server saw.
  const seen = new URL(path, "http://fuzz.invalid").pathname;
  const publicPath = isPublic(op) || (op.method === "GET" && (seen === "/" || seen === "/health" || seen.startsWith("/ui/")));
  if (!authenticated && res.status !== 401 && !publicPath) fail("answered without a token");
  if (res.status === 500 && /Internal server error/.test(text)) fail("an unhandled error");
  if (res.status >= 500 && !op.documented.has(res.status)) fail(`an undocumented ${res.status}`);
  if (STACK.test(text) || /"stack"\s*:/.test(text)) fail("a stack trace");
  const type = res.headers.get("Content-Type") ?? "";
  // HEAD answers carry no body by definition.
  if (res.status >= 400 && type.includes("application/json") && init.method !== "HEAD") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return fail("an error body that is not JSON");
    }
    const envelope = body as { success?: unknown; error?: unknown };
    if (envelope.success !== false || typeof envelope.error !== "string" || envelope.error.length === 0) {
      // JSON-RPC errors of the MCP endpoint keep JSON-RPC's own shape.
      if (!(op.path === "/mcp/computer" && (body as { jsonrpc?: string }).jsonrpc === "2.0"))
        fail("an error outside the envelope");
    }
  }
}

const isPublic = (op: Operation) =>
  op.method === "GET" && (op.path === "/health" || op.path === "/" || op.path.startsWith("/ui/"));

/** Fills the path's parameters and builds the query string. */
function arbitraryUrl(op: Operation): fc.Arbitrary<string> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query" && p.name !== "token");
  const values = pathParams.map((p) => pathParam(p.schema, components, known[p.name] ?? []));
  const query = queryParams.map((p) =>
    fc.option(
      fc.oneof(
        fromSchema(p.schema ?? { type: "string" }, components).map(String),
        junk().map((value) => (typeof value === "string" ? value : JSON.stringify(value))),
      ),
      { nil: undefined },
    ),
  );
  return fc.tuple(fc.tuple(...values), fc.tuple(...query)).map(([pathValues, queryValues]) => {
    let path = op.path;
    pathParams.forEach((p, i) => {
      path = path.replace(`{${p.name}}`, pathValues[i] as string);
    });
    const search = new URLSearchParams();
    queryParams.forEach((p, i) => {
      const value = queryValues[i];
      if (value !== undefined) search.set(p.name, value.slice(0, 2000));
    });
    const qs = search.toString();
    return qs ? `${path}?${qs}` : path;
  });
}

/** A body: valid per the schema, mutated, junk JSON text, or sent with the wrong type or encoding. */
function arbitraryInit(op: Operation): fc.Arbitrary<{ init: RequestInit; what: string }> {
  const json = (value: unknown, what: string): { init: RequestInit; what: string } => ({
    init: { method: op.method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) ?? "null" },
    what,
  });
  if (!["POST", "PUT", "PATCH", "DELETE"].includes(op.method)) {
    return fc.constant({ init: { method: op.method }, what: "no body" });
  }
  const valid = op.body ? fromSchema(op.body, components) : fc.constant({});
  return fc.oneof(
    { arbitrary: valid.map((value) => json(value, "valid body")), weight: 3 },
    { arbitrary: mutated(valid).map((value) => json(value, "mutated body")), weight: 3 },
    {
      arbitrary: fc
        .oneof(fc.string(), fc.constantFrom("{", "[1,", '{"a":', "nul", "\u0000", "{}}"))
        .map((text): { init: RequestInit; what: string } => ({
          init: { method: op.method, headers: { "Content-Type": "application/json" }, body: text },
          what: "malformed JSON",
        })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/xml",
            "",
          ),
          fc.string(),
        )
        .map(([type, text]): { init: RequestInit; what: string } => ({
          init: { method: op.method, headers: type ? { "Content-Type": type } : {}, body: text || "x" },
          what: `content type ${type || "(none)"}`,
        })),
      weight: 1,
    },
    {
      arbitrary: valid.map((value): { init: RequestInit; what: string } => ({
        init: {
          method: op.method,
          headers: { "Content-Type": "application/json; charset=latin-7", "Content-Encoding": "gzip" },
          body: JSON.stringify(value) ?? "{}",
        },
        what: "a claimed encoding it is not in",
      })),
      weight: 1,
    },
  );
}

describe("schema-driven fuzzing of every route", () => {
  it("answers junk, with and without a token, without a 500, a stack trace or an auth bypass", async () => {
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(arbitraryUrl(op), arbitraryInit(op), fc.boolean(), async (url, { init, what }, withToken) => {
          const headers = {
            ...(init.headers as Record<string, string>),
            ...(withToken ? { Authorization: `Bearer ${TOKEN}` } : {}),
          };
          const label = `${op.method} ${url.slice(0, 200)} (${what}${withToken ? "" : ", no token"})`;
          await probe(label, url, { ...init, headers }, op, withToken);
          // A wrong token is as good as none.
          if (!withToken && !isPublic(op)) {
            await probe(
              `${label} (wrong token)`,
              url,
              { ...init, headers: { ...headers, Authorization: "Bearer nope" } },
              op,
              false,
            );
          }
        }),
        { numRuns: RUNS, endOnFailure: false },
      );
    }
    expect(findings.slice(0, 25)).toEqual([]);
  }, 900_000);

  it("answers a method a path does not have with the 404 envelope, never a 500", async () => {
    for (const op of operations) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
        if (method === op.method) continue;
        const path = op.path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
        await probe(
          `${method} ${path}`,
          path,
          { method, headers: { Authorization: `Bearer ${TOKEN}` } },
          { ...op, documented: new Set() },
          true,
        );
      }
    }
    expect(findings.slice(0, 25)).toEqual([]);
  }, 300_000);
});
