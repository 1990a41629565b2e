import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { requestId } from "hono/request-id";
import { endpoints } from "../handlers";
import type { Deps } from "./deps";
import { accessLog } from "./http/access-log";
import { bearerAuth } from "./http/auth";
import { jsonBody, limitBody } from "./http/body";
import { cors } from "./http/cors";
import type { AppEnv } from "./http/env";
import { notFound, onError } from "./http/error-handler";
import { idempotency } from "./http/idempotency";
import { rateLimit } from "./http/rate-limit";
import { isUiPath, mountUi } from "./http/ui";
import { validationHook } from "./http/validation";
import { requestMetrics } from "./metrics/middleware";
import { isWebSocketPath } from "./realtime/topics";

/** What needs no token: `/health`, and the web UI's page and assets (it must load to ask for one). */
const isPublic = (method: string, path: string) =>
  (method === "GET" || method === "HEAD") && (path === "/health" || isUiPath(path));

/** Routes that start a run or a task: where an Idempotency-Key is honoured. */
const WORK_ROUTES = /^\/(cursor\/(execute|iterate)(\/async)?|tasks|(conversations\/)?api\/[^/]+\/message)$/;
const startsWork = (method: string, path: string) => method === "POST" && WORK_ROUTES.test(path);

/**
 * Builds the HTTP app over the given dependencies. Middleware order: request id → deps → access
 * log → CORS (answers OPTIONS) → bearer auth → body limit → JSON body → web UI (`/`, `/ui/*`) → routes.
 *
 * @example
 * const app = createApp(deps);
 * const res = await app.request("/health");
 */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const { config } = deps;

  app.use(requestId({ headerName: "X-Request-Id", limitLength: 128 }));
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(accessLog());
  app.use(requestMetrics(deps.metrics));
  app.use(cors({ frontendUrl: config.cors.frontendUrl, reflectAnyOrigin: config.cors.reflectAnyOrigin }));
  // WebSocket paths also take ?token= (browsers cannot set headers on a handshake; see src/node/websockets.ts).
  // `/health` and the web UI's page and assets are public: the page must load to ask for the token.
  app.use(
    bearerAuth({
      tokens: config.auth.tokens,
      acceptQueryToken: isWebSocketPath,
      // A Prometheus scraper may hold METRICS_TOKEN instead of an API token.
      extraTokens: (path) => (path === "/metrics" && config.metricsToken ? [config.metricsToken] : []),
      isPublic,
    }),
  );
  // Counted after auth, so only real callers have budgets (a flood of made-up tokens holds no memory).
  app.use(rateLimit({ ...config.rateLimit, isExempt: isPublic }));
  // POST /tasks carries attached files (base64): its own, larger limit.
  const taskBodyLimit = limitBody(config.tasks.maxBodyBytes, "TASK_MAX_BODY_BYTES");
  const bodyLimit = limitBody(config.server.maxBodyBytes);
  app.use((c, next) => (c.req.method === "POST" && c.req.path === "/tasks" ? taskBodyLimit : bodyLimit)(c, next));
  app.use(jsonBody());
  app.use(idempotency({ store: deps.idempotency, ttlMs: config.idempotency.ttlMs, applies: startsWork }));

  // The web UI: `/` and `/ui/*` only (hash routing), so it never shadows an API route.
  mountUi(app, deps.ui);
  for (const endpoint of endpoints) endpoint.mount(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "One of RUNNER_API_TOKENS (required on every route but GET /health when tokens are set)",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "cursor-runner",
      version: "0.1.0",
      description: "Runs AI coding-agent CLIs headlessly inside git repositories and reports back.",
    },
    security: [{ bearerAuth: [] }],
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "cursor-runner API" }));

  app.notFound(notFound);
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
