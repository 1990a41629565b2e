// Node-only: Prometheus metrics with prom-client (it reads process and event-loop state through node:*).
import type { Client } from "@libsql/client";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Slots } from "../exec/slots";
import type { Metrics } from "../metrics/types";

/**
 * The service's metrics. HTTP latency is recorded as requests are answered; the rest is read when
 * scraped — runs by state and agent, tasks by status, callback deliveries and attempts from the
 * database (so they hold across restarts and count what every instance sharing it did), slots and
 * queue length from this instance — plus Node's own process metrics.
 *
 * @example
 * const metrics = createNodeMetrics({ db, slots });
 * const { contentType, body } = await metrics.render();
 */
export function createNodeMetrics(deps: { db: Client; slots: Slots }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "cursor_runner_" });
  const { db, slots } = deps;

  const http = new Histogram({
    name: "cursor_runner_http_request_duration_seconds",
    help: "HTTP requests by method, route pattern and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [registry],
  });

  const grouped = async (sql: string) => (await db.execute(sql)).rows;

  new Gauge({
    name: "cursor_runner_runs",
    help: "Runs by state and agent (all instances sharing the database)",
    labelNames: ["status", "agent"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await grouped("SELECT status, agent, COUNT(*) AS n FROM runs GROUP BY status, agent")) {
        this.set({ status: String(row.status), agent: String(row.agent) }, Number(row.n));
      }
    },
  });
  new Gauge({
    name: "cursor_runner_tasks",
    help: "Tasks of the task engine by status",
    labelNames: ["status", "kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await grouped("SELECT status, kind, COUNT(*) AS n FROM agent_tasks GROUP BY status, kind")) {
        this.set({ status: String(row.status), kind: String(row.kind) }, Number(row.n));
      }
    },
  });
  new Gauge({
    name: "cursor_runner_callback_deliveries",
    help: "Callback deliveries by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await grouped("SELECT status, COUNT(*) AS n FROM callback_deliveries GROUP BY status")) {
        this.set({ status: String(row.status) }, Number(row.n));
      }
    },
  });
  // Counters read from the attempts table: monotonic as long as the history is kept.
  new Counter({
    name: "cursor_runner_callback_attempts_total",
    help: "Callback HTTP attempts by outcome (delivered: a 2xx answer; failed: anything else)",
    labelNames: ["outcome"],
    registers: [registry],
    async collect() {
      this.reset();
      const [row] = await grouped(
        `SELECT SUM(CASE WHEN http_status BETWEEN 200 AND 299 THEN 1 ELSE 0 END) AS ok, COUNT(*) AS n FROM callback_attempts`,
      );
      const ok = Number(row?.ok ?? 0);
      this.inc({ outcome: "delivered" }, ok);
      this.inc({ outcome: "failed" }, Number(row?.n ?? 0) - ok);
    },
  });
  new Gauge({
    name: "cursor_runner_execution_slots",
    help: "Execution slots of this instance: in use, and the maximum",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const { available, maxConcurrent } = slots.status();
      this.set({ state: "in_use" }, maxConcurrent - available);
      this.set({ state: "max" }, maxConcurrent);
    },
  });
  new Gauge({
    name: "cursor_runner_execution_queue_length",
    help: "Runs of this instance waiting for a slot",
    registers: [registry],
    collect() {
      this.set(slots.status().waiting);
    },
  });

  return {
    observeRequest(method, route, status, seconds) {
      http.observe({ method, route, status: String(status) }, seconds);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
