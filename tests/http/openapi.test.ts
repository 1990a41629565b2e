import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpoints } from "../../handlers";
import { makeTestContext, type TestContext } from "../support/deps";

interface OpenApiDoc {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { responses?: Record<string, unknown>; security?: unknown[] }>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
  security?: unknown[];
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Hono-style `/api/tasks/:id` → OpenAPI `/api/tasks/{id}` (OpenAPI-style paths pass unchanged). */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

let ctx: TestContext;
let doc: OpenApiDoc;
beforeAll(async () => {
  ctx = await makeTestContext();
  const res = await ctx.app.request("/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  doc = (await res.json()) as OpenApiDoc;
});
afterAll(() => ctx.cleanup());

describe("/openapi.json", () => {
  it("is an OpenAPI 3.1 document for cursor-runner", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("cursor-runner");
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });

  it("lists every route of handlers/index.ts, with its responses", () => {
    expect(endpoints.length).toBeGreaterThan(0);
    for (const { route } of endpoints) {
      const path = toOpenApiPath(route.path);
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method.toUpperCase()} ${path} is missing from /openapi.json`).toBeDefined();
      expect(Object.keys(operation?.responses ?? {}).length).toBeGreaterThan(0);
    }
  });

  it("lists nothing that is not an endpoint", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.includes(key))
        .map((method) => `${method} ${path}`),
    );
    const mounted = endpoints.map(({ route }) => `${route.method.toLowerCase()} ${toOpenApiPath(route.path)}`);
    expect(new Set(documented)).toEqual(new Set(mounted));
    expect(documented).toHaveLength(new Set(mounted).size);
  });

  it("includes the foundation routes", () => {
    for (const [method, path] of [
      ["get", "/health"],
      ["get", "/health/queue"],
      ["post", "/telegram/webhook"],
      ["get", "/api/tasks"],
      ["post", "/api/tasks"],
      ["get", "/api/tasks/{id}"],
      ["put", "/api/tasks/{id}"],
      ["delete", "/api/tasks/{id}"],
      ["get", "/api/settings"],
      ["get", "/api/settings/{name}"],
      ["put", "/api/settings/{name}"],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });

  it("marks /health as needing no auth", () => {
    expect(doc.paths["/health"]?.get?.security).toEqual([]);
  });
});

describe("/docs", () => {
  it("returns an HTML page that loads /openapi.json", async () => {
    const res = await ctx.app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain("/openapi.json");
    expect(html).toContain("cursor-runner API");
  });
});
