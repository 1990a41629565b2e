import type { Client, Row } from "@libsql/client";
import type { AgentName } from "../../agents/adapter";
import type { IterateOptions, IterationOutcome, IterationRecord } from "./types";

/** Longest prompt kept on an iteration row (the child run keeps the whole prompt). */
const MAX_PROMPT_CHARS = 64 * 1024;

const json = <T>(value: unknown): T | null => (value == null ? null : (JSON.parse(String(value)) as T));
const str = (value: unknown) => (value == null ? null : String(value));

const toIteration = (row: Row): IterationRecord => ({
  iteration: Number(row.iteration),
  workerRunId: str(row.worker_run_id),
  diagnosticRunId: str(row.diagnostic_run_id),
  reviewRunId: str(row.review_run_id),
  prompt: String(row.prompt),
  workerStatus: str(row.worker_status),
  exitCode: row.exit_code == null ? null : Number(row.exit_code),
  verdict: json(row.verdict),
  dodResult: json(row.dod_result),
  pushResult: json(row.push_result),
  outcome: str(row.outcome) as IterationOutcome | null,
  startedAt: String(row.started_at),
  finishedAt: str(row.finished_at),
});

export type IterationPatch = Partial<
  Pick<
    IterationRecord,
    | "workerRunId"
    | "diagnosticRunId"
    | "reviewRunId"
    | "workerStatus"
    | "exitCode"
    | "verdict"
    | "dodResult"
    | "pushResult"
    | "outcome"
    | "finishedAt"
  >
>;

const COLUMNS: Record<keyof IterationPatch, [string, boolean]> = {
  workerRunId: ["worker_run_id", false],
  diagnosticRunId: ["diagnostic_run_id", false],
  reviewRunId: ["review_run_id", false],
  workerStatus: ["worker_status", false],
  exitCode: ["exit_code", false],
  verdict: ["verdict", true],
  dodResult: ["dod_result", true],
  pushResult: ["push_result", true],
  outcome: ["outcome", false],
  finishedAt: ["finished_at", false],
};

/**
 * The `iterate_runs` and `run_iterations` tables: an iterate run's options and one row per
 * attempt, updated step by step so a crash leaves an honest partial record.
 *
 * @example
 * const iterations = createIterationStore(db);
 * await iterations.begin(parentId, 1, prompt);
 * await iterations.update(parentId, 1, { workerRunId, exitCode: 0 });
 */
export function createIterationStore(db: Client, clock: () => Date = () => new Date()) {
  const now = () => clock().toISOString();
  return {
    async saveOptions(runId: string, options: IterateOptions): Promise<void> {
      await db.execute({
        sql: `INSERT INTO iterate_runs (run_id, max_iterations, max_duration_ms, review_agent, definition_of_done,
                definition_of_done_source, done_when, require_push, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          runId,
          options.maxIterations,
          options.maxDurationMs,
          options.reviewAgent,
          options.definitionOfDone,
          options.definitionOfDoneSource,
          options.doneWhen ? JSON.stringify(options.doneWhen) : null,
          options.requirePush ? 1 : 0,
          now(),
        ],
      });
    },

    async options(runId: string): Promise<IterateOptions | null> {
      const row = (await db.execute({ sql: "SELECT * FROM iterate_runs WHERE run_id = ?", args: [runId] })).rows[0];
      if (!row) return null;
      const doneWhen = json<IterateOptions["doneWhen"]>(row.done_when);
      return {
        maxIterations: Number(row.max_iterations),
        maxDurationMs: Number(row.max_duration_ms),
        reviewAgent: String(row.review_agent) as AgentName,
        definitionOfDone: String(row.definition_of_done),
        definitionOfDoneSource: String(row.definition_of_done_source),
        ...(doneWhen ? { doneWhen } : {}),
        requirePush: Number(row.require_push) === 1,
      };
    },

    async begin(runId: string, iteration: number, prompt: string): Promise<void> {
      await db.execute({
        sql: "INSERT INTO run_iterations (parent_run_id, iteration, prompt, started_at) VALUES (?, ?, ?, ?)",
        args: [runId, iteration, prompt.slice(0, MAX_PROMPT_CHARS), now()],
      });
    },

    async update(runId: string, iteration: number, patch: IterationPatch): Promise<void> {
      const entries = Object.entries(patch) as [keyof IterationPatch, unknown][];
      if (entries.length === 0) return;
      const sets = entries.map(([key]) => `${COLUMNS[key][0]} = ?`).join(", ");
      const args = entries.map(([key, value]) =>
        value == null ? null : COLUMNS[key][1] ? JSON.stringify(value) : (value as string | number),
      );
      await db.execute({
        sql: `UPDATE run_iterations SET ${sets} WHERE parent_run_id = ? AND iteration = ?`,
        args: [...args, runId, iteration],
      });
    },

    async list(runId: string): Promise<IterationRecord[]> {
      const result = await db.execute({
        sql: "SELECT * FROM run_iterations WHERE parent_run_id = ? ORDER BY iteration",
        args: [runId],
      });
      return result.rows.map(toIteration);
    },
  };
}

export type IterationStore = ReturnType<typeof createIterationStore>;
