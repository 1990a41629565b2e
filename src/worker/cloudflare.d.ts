// The parts of the Workers runtime this project uses (instead of pulling in @cloudflare/workers-types).

declare module "cloudflare:workers" {
  /** Extends the current request's (or event's) lifetime until `promise` settles. */
  export function waitUntil(promise: Promise<unknown>): void;
}
