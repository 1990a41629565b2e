import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "./env";

export type App = OpenAPIHono<AppEnv>;

export interface Endpoint {
  route: RouteConfig;
  mount(app: App): void;
}

/**
 * Pairs a route's zod/OpenAPI description with its handler, so the same schemas validate requests
 * and document them in `/openapi.json`.
 *
 * @example
 * export default defineEndpoint(createRoute({ method: "get", path: "/health", responses }), (c) => c.json(body, 200));
 */
export function defineEndpoint<R extends RouteConfig>(route: R, handler: RouteHandler<R, AppEnv>): Endpoint {
  return {
    route,
    mount: (app) => {
      app.openapi(route, handler);
    },
  };
}
