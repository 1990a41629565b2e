import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { EventLog } from "../components/event-log";
import { Empty, ErrorNotice, Loading, PageHeader } from "../components/notice";
import { LiveIndicator, StatusBadge } from "../components/status";
import { ago, runDuration, shortId, when } from "../format";
import { useResource, useTitle } from "../hooks";
import { href } from "../router";
import { followSse, type StreamState } from "../sse";
import { type CallbackDelivery, LIVE_STATUSES, RUN_STATUSES, type Run, type RunEvent, type RunStatus } from "../types";
import type { RouteProps } from "./page";

/** At most this many events are kept on the page (the server keeps up to RUN_MAX_EVENTS). */
const MAX_EVENTS = 5000;

function useRunEvents(id: string, onEnd: (run: Run) => void) {
  const [events, setEvents] = useState<RunEvent[]>([]);
  /** The latest `status` event's status (queued → running), ahead of the next GET /runs/:id. */
  const [status, setStatus] = useState<RunStatus | undefined>();
  /** When the stream said `running`, before GET /runs/:id has startedAt. */
  const [startedAt, setStartedAt] = useState<string | undefined>();
  const [state, setState] = useState<{ state: StreamState; detail?: string | undefined }>({ state: "connecting" });
  useEffect(() => {
    setEvents([]);
    setStatus(undefined);
    setStartedAt(undefined);
    const stop = followSse(`/runs/${encodeURIComponent(id)}/events`, {
      onMessage(message) {
        if (message.event === "end") {
          onEnd(JSON.parse(message.data) as Run);
          return;
        }
        const event = JSON.parse(message.data) as RunEvent;
        if (event.type === "status" && (RUN_STATUSES as string[]).includes(event.status)) {
          setStatus(event.status as RunStatus);
          if (event.status === "running") setStartedAt((current) => current ?? event.ts);
        }
        setEvents((current) => {
          // A replay after reconnecting starts after Last-Event-ID; never show an event twice.
          if (current.length > 0 && (current[current.length - 1] as RunEvent).seq >= event.seq) return current;
          const next = [...current, event];
          return next.length > MAX_EVENTS ? next.slice(next.length - MAX_EVENTS) : next;
        });
      },
      onState: (next, detail) => setState({ state: next, detail }),
    });
    return stop;
  }, [id]);
  return { events, status, startedAt, ...state };
}

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="field-pair">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Deliveries({ runId, live }: { runId: string; live: boolean }) {
  const [pending, setPending] = useState(false);
  const deliveries = useResource((signal) => api.deliveries(runId, signal), [runId], {
    refreshMs: live || pending ? 2000 : 5000,
  });
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const list: CallbackDelivery[] = deliveries.data?.deliveries ?? [];
  useEffect(() => setPending(list.some((delivery) => delivery.status === "pending")), [list]);

  const redeliver = async (id: string) => {
    setBusy(id);
    setError(undefined);
    try {
      await api.redeliver(id);
      deliveries.reload();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section class="card" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Callback deliveries</h2>
      <ErrorNotice error={deliveries.error ?? error} />
      {!deliveries.data && deliveries.loading ? <Loading /> : null}
      {deliveries.data && list.length === 0 ? (
        <Empty>{live ? "The callback is sent when the run finishes." : "No delivery was queued for this run."}</Empty>
      ) : null}
      <ul class="deliveries">
        {list.map((delivery) => (
          <li key={delivery.id} class="delivery">
            <div class="delivery-head">
              <StatusBadge status={delivery.status} />
              <span class="mono delivery-url">{delivery.url}</span>
              <button
                type="button"
                class="button button-small"
                disabled={busy === delivery.id}
                onClick={() => void redeliver(delivery.id)}
                aria-label={`Redeliver the callback to ${delivery.url}`}
              >
                {busy === delivery.id ? "Redelivering…" : "Redeliver"}
              </button>
            </div>
            <p class="muted small">
              {delivery.attempts} of {delivery.maxAttempts} attempt{delivery.maxAttempts === 1 ? "" : "s"}
              {delivery.deliveredAt ? ` · delivered ${ago(delivery.deliveredAt)}` : ""}
              {delivery.status === "pending" ? ` · next attempt ${ago(delivery.nextAttemptAt)}` : ""}
              {delivery.lastError ? ` · last error: ${delivery.lastError}` : ""}
            </p>
            {delivery.attemptLog.length > 0 ? (
              <table class="table table-compact">
                <caption class="visually-hidden">Attempts</caption>
                <thead>
                  <tr>
                    <th scope="col">Attempt</th>
                    <th scope="col">When</th>
                    <th scope="col">HTTP</th>
                    <th scope="col">Took</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {delivery.attemptLog.map((attempt) => (
                    <tr key={`${attempt.attempt}-${attempt.startedAt}`}>
                      <td>#{attempt.attempt}</td>
                      <td>{when(attempt.startedAt)}</td>
                      <td>{attempt.httpStatus ?? "—"}</td>
                      <td>{attempt.durationMs} ms</td>
                      <td>{attempt.error ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Iterations({ run }: { run: Run }) {
  if (!run.iterations || run.iterations.length === 0) return null;
  return (
    <section class="card" aria-labelledby="iterations-title">
      <h2 id="iterations-title">Iterations</h2>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Attempt</th>
            <th scope="col">Review</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {run.iterations.map((iteration) => (
            <tr key={iteration.iteration}>
              <td>{iteration.iteration}</td>
              <td>
                {iteration.workerRunId ? (
                  <a href={href(`/runs/${iteration.workerRunId}`)}>{shortId(iteration.workerRunId)}</a>
                ) : (
                  "—"
                )}{" "}
                {iteration.workerStatus ?? ""}
              </td>
              <td>
                {iteration.reviewRunId ? (
                  <a href={href(`/runs/${iteration.reviewRunId}`)}>{shortId(iteration.reviewRunId)}</a>
                ) : (
                  "—"
                )}
              </td>
              <td>
                {iteration.verdict
                  ? `${iteration.verdict.code_complete ? "complete" : "not complete"} — ${iteration.verdict.justification}`
                  : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function RunView({ params }: RouteProps) {
  const id = params.id as string;
  useTitle(`Run ${shortId(id)}`);
  const loaded = useResource((signal) => api.run(id, signal), [id]);
  const [ended, setEnded] = useState<Run | undefined>();
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | undefined>();
  const stream = useRunEvents(id, (run) => {
    setEnded(run);
    loaded.reload();
  });
  useEffect(() => setEnded(undefined), [id]);

  // The end event carries the settled run; GET /runs/:id adds iterate details.
  const stored =
    loaded.data && ended && loaded.data.status !== ended.status ? { ...loaded.data, ...ended } : (loaded.data ?? ended);
  // While it is live, the event stream knows the status first (queued → running).
  const run =
    stored && LIVE_STATUSES.has(stored.status) && stream.status && !ended
      ? { ...stored, status: stream.status, startedAt: stored.startedAt ?? stream.startedAt ?? null }
      : stored;
  const live = run ? LIVE_STATUSES.has(run.status) : false;

  // The elapsed time counts up while the run is live.
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);

  // While it runs, re-read the run now and then (it moves queued → running; the SSE carries the rest).
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => loaded.reload(), 3000);
    return () => clearInterval(timer);
  }, [live]);

  const cancel = async () => {
    setCancelling(true);
    setCancelError(undefined);
    try {
      setEnded(await api.cancelRun(id));
      loaded.reload();
    } catch (failure) {
      setCancelError((failure as Error).message);
    } finally {
      setCancelling(false);
    }
  };

  if (!run) {
    return (
      <>
        <p class="breadcrumb">
          <a href={href("/runs")}>← Runs</a>
        </p>
        <ErrorNotice error={loaded.error} title="Could not load the run:" />
        {loaded.loading ? <Loading /> : null}
      </>
    );
  }

  return (
    <>
      <p class="breadcrumb">
        <a href={href("/runs")}>← Runs</a>
      </p>
      <PageHeader
        title={
          <>
            Run <span class="mono">{shortId(run.id)}</span>
          </>
        }
        meta={
          <>
            <StatusBadge status={run.status} />
            <span class="muted">
              {run.agent} · {run.mode} · started {ago(run.startedAt ?? run.createdAt, now)} · {runDuration(run, now)}
            </span>
          </>
        }
      >
        {live ? (
          <button type="button" class="button button-danger" onClick={() => void cancel()} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel run"}
          </button>
        ) : null}
      </PageHeader>
      <ErrorNotice error={cancelError} title="Could not cancel:" />
      {run.error && !live ? <ErrorNotice error={run.error} title={run.status === "cancelled" ? "Cancelled:" : "Error:"} /> : null}

      <div class="run-grid">
        <section class="card run-events" aria-labelledby="events-title">
          <div class="section-head">
            <h2 id="events-title">Events</h2>
            <span class="muted small">{stream.events.length} shown</span>
            <LiveIndicator state={stream.state} detail={stream.detail} />
          </div>
          {stream.events.length === 0 ? <Empty>{live ? "Waiting for the agent…" : "This run recorded no events."}</Empty> : null}
          <EventLog events={stream.events} live={live} />
        </section>

        <aside class="card run-details" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl class="fields">
            <Field label="Run id">
              <span class="mono break">{run.id}</span>
            </Field>
            <Field label="Request id">
              <span class="mono break">{run.requestId}</span>
            </Field>
            <Field label="Agent">
              {run.agent}
              {run.model ? ` (${run.model})` : ""}
            </Field>
            <Field label="Repository">{run.repository ?? "—"}</Field>
            {run.branch ? <Field label="Branch">{run.branch}</Field> : null}
            <Field label="Created">{when(run.createdAt)}</Field>
            <Field label="Finished">{when(run.finishedAt)}</Field>
            <Field label="Exit">
              {run.exitCode ?? "—"}
              {run.reason ? ` (${run.reason})` : ""}
            </Field>
            {run.conversationId ? (
              <Field label="Conversation">
                <a href={href(`/conversations/${run.conversationId}`)} class="mono">
                  {shortId(run.conversationId)}
                </a>
              </Field>
            ) : null}
            {run.parentRunId ? (
              <Field label="Part of">
                <a href={href(`/runs/${run.parentRunId}`)} class="mono">
                  {shortId(run.parentRunId)}
                </a>
              </Field>
            ) : null}
            {run.mcpServers && run.mcpServers.length > 0 ? <Field label="MCP servers">{run.mcpServers.join(", ")}</Field> : null}
            {run.sessionId ? (
              <Field label="Agent session">
                <span class="mono break">{run.sessionId}</span>
              </Field>
            ) : null}
          </dl>
        </aside>
      </div>

      <section class="card" aria-labelledby="prompt-title">
        <h2 id="prompt-title">Prompt</h2>
        <pre class="output">{run.prompt}</pre>
      </section>

      <section class="card" aria-labelledby="output-title">
        <h2 id="output-title">Output</h2>
        {run.output ? (
          <pre class="output">{run.output}</pre>
        ) : (
          <Empty>{live ? "The output appears when the run finishes." : "No output."}</Empty>
        )}
        {run.stderr ? (
          <>
            <h3>stderr</h3>
            <pre class="output output-error">{run.stderr}</pre>
          </>
        ) : null}
      </section>

      <Iterations run={run} />
      {run.callbackUrl ? <Deliveries runId={run.id} live={live} /> : null}
    </>
  );
}
