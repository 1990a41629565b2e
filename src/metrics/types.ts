/**
 * What the app records and how `/metrics` is answered. Runtime-neutral: the Node entry passes a
 * prom-client implementation (src/node/metrics.ts); where there is none, `/metrics` says so (501).
 */
export interface Metrics {
  /** One answered HTTP request; `route` is the route's pattern (bounded cardinality), not the URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The Prometheus text exposition of everything, read fresh. */
  render(): Promise<{ contentType: string; body: string }>;
}
