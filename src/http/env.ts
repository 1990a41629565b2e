import type { Deps } from "../deps";

/** Hono environment shared by every handler: the deps are reachable as `c.var.deps`. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
  };
}
