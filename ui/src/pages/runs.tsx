import { useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { Empty, ErrorNotice, Loading, PageHeader } from "../components/notice";
import { StatusBadge } from "../components/status";
import { ago, firstLine, runDuration, shortId, when } from "../format";
import { useResource, useTitle } from "../hooks";
import { href, navigate } from "../router";
import { RUN_STATUSES } from "../types";
import type { PageModule, RouteProps } from "./page";
import { RunView } from "./run";

const PAGE_SIZE = 20;
const AGENTS = ["cursor", "claude", "codex", "gemini", "opencode"];

function NewRunForm({ onClose }: { onClose: () => void }) {
  const repositories = useResource((signal) => api.repositories(signal).catch(() => ({ repositories: [] })), []);
  const agents = useResource((signal) => api.agents(signal), []);
  const [prompt, setPrompt] = useState("");
  const [repository, setRepository] = useState("");
  const [agent, setAgent] = useState("");
  const [model, setModel] = useState("");
  const [callbackUrl, setCallbackUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const ack = await api.startRun(
        {
          prompt,
          ...(repository ? { repository } : {}),
          ...(agent ? { agent } : {}),
          ...(model.trim() ? { model: model.trim() } : {}),
          ...(callbackUrl.trim() ? { callbackUrl: callbackUrl.trim() } : {}),
        },
        secret || undefined,
      );
      if (ack.runId) navigate(`/runs/${ack.runId}`);
      else setError("The server accepted the request but could not start it (its log and callback say why).");
    } catch (failure) {
      const message = (failure as Error).message;
      setError(
        failure instanceof ApiError && failure.status === 401 && !failure.unauthorized
          ? `${message}. This server sets WEBHOOK_SECRET: enter it under “Callback and webhook secret”.`
          : message,
      );
    } finally {
      setBusy(false);
    }
  };

  const available = agents.data?.agents.filter((entry) => entry.available) ?? [];
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="new-run-title">
      <h2 id="new-run-title">Start a run</h2>
      <label class="field">
        <span>Prompt</span>
        <textarea
          name="prompt"
          rows={4}
          required
          value={prompt}
          onInput={(event) => setPrompt(event.currentTarget.value)}
          placeholder="What should the agent do?"
        />
      </label>
      <div class="field-row">
        <label class="field">
          <span>Repository</span>
          <select name="repository" value={repository} onChange={(event) => setRepository(event.currentTarget.value)}>
            <option value="">None (the repositories folder)</option>
            {repositories.data?.repositories.map((repo) => (
              <option key={repo.name} value={repo.name}>
                {repo.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Agent</span>
          <select name="agent" value={agent} onChange={(event) => setAgent(event.currentTarget.value)}>
            <option value="">Default{agents.data ? ` (${agents.data.default})` : ""}</option>
            {available.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
                {entry.version ? ` ${entry.version}` : ""}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Model (optional)</span>
          <input
            name="model"
            value={model}
            onInput={(event) => setModel(event.currentTarget.value)}
            placeholder="the agent's default"
          />
        </label>
      </div>
      <details class="advanced">
        <summary>Callback and webhook secret</summary>
        <div class="field-row">
          <label class="field">
            <span>Callback URL (optional)</span>
            <input
              name="callbackUrl"
              type="url"
              value={callbackUrl}
              onInput={(event) => setCallbackUrl(event.currentTarget.value)}
              placeholder="https://example.com/hooks/runner"
            />
          </label>
          <label class="field">
            <span>Webhook secret (if the server sets WEBHOOK_SECRET)</span>
            <input
              name="webhookSecret"
              type="password"
              autoComplete="off"
              value={secret}
              onInput={(event) => setSecret(event.currentTarget.value)}
            />
          </label>
        </div>
      </details>
      <ErrorNotice error={error} />
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy || !prompt.trim()}>
          {busy ? "Starting…" : "Start run"}
        </button>
        <button type="button" class="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

function RunsList({ query }: RouteProps) {
  useTitle("Runs");
  const status = query.get("status") ?? "";
  const agent = query.get("agent") ?? "";
  const page = Math.max(0, Number.parseInt(query.get("page") ?? "0", 10) || 0);
  const [creating, setCreating] = useState(query.get("new") === "1");
  const runs = useResource(
    (signal) =>
      api.runs({ limit: PAGE_SIZE, offset: page * PAGE_SIZE, status: status || undefined, agent: agent || undefined }, signal),
    [status, agent, page],
    { refreshMs: 3000 },
  );
  const filter = (next: Record<string, string>) => navigate("/runs", { status, agent, ...next, page: undefined });
  const total = runs.data?.pagination.total ?? 0;

  return (
    <>
      <PageHeader title="Runs" meta={runs.data ? `${total} run${total === 1 ? "" : "s"}` : undefined}>
        {creating ? null : (
          <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
            New run
          </button>
        )}
      </PageHeader>
      {creating ? <NewRunForm onClose={() => setCreating(false)} /> : null}
      <form class="toolbar" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
        <label class="field field-inline">
          <span>Status</span>
          <select value={status} onChange={(event) => filter({ status: event.currentTarget.value })}>
            <option value="">All</option>
            {RUN_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value.replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <label class="field field-inline">
          <span>Agent</span>
          <select value={agent} onChange={(event) => filter({ agent: event.currentTarget.value })}>
            <option value="">All</option>
            {AGENTS.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNotice error={runs.error} title="Could not load runs:" />
      {!runs.data && runs.loading ? <Loading /> : null}
      {runs.data && runs.data.runs.length === 0 ? (
        <Empty>
          {status || agent ? "No run matches these filters." : "No runs yet. Start one with “New run”, or through the API."}
        </Empty>
      ) : null}
      {runs.data && runs.data.runs.length > 0 ? (
        <div class="card table-card">
          <table class="table runs-table">
            <caption class="visually-hidden">Recent runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Prompt</th>
                <th scope="col" class="hide-narrow">
                  Agent
                </th>
                <th scope="col" class="hide-narrow">
                  Mode
                </th>
                <th scope="col" class="hide-narrow">
                  Repository
                </th>
                <th scope="col">Started</th>
                <th scope="col" class="hide-narrow">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((run) => (
                <tr key={run.id}>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td class="cell-main">
                    <a href={href(`/runs/${run.id}`)} class="row-link">
                      {firstLine(run.prompt, 90) || "(empty prompt)"}
                    </a>
                    <span class="mono muted small"> {shortId(run.id)}</span>
                  </td>
                  <td class="hide-narrow">{run.agent}</td>
                  <td class="hide-narrow">{run.mode}</td>
                  <td class="hide-narrow">{run.repository ?? <span class="muted">—</span>}</td>
                  <td>
                    <time dateTime={run.createdAt} title={when(run.createdAt)}>
                      {ago(run.createdAt)}
                    </time>
                  </td>
                  <td class="hide-narrow">{runDuration(run)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {runs.data && (page > 0 || runs.data.pagination.hasMore) ? (
        <nav class="pager" aria-label="Pages of runs">
          {page > 0 ? (
            <a class="button" href={href("/runs", { status, agent, page: page - 1 || undefined })}>
              ← Newer
            </a>
          ) : null}
          <span class="muted">
            {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + runs.data.runs.length} of {total}
          </span>
          {runs.data.pagination.hasMore ? (
            <a class="button" href={href("/runs", { status, agent, page: page + 1 })}>
              Older →
            </a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

export const runsPage: PageModule = {
  id: "runs",
  title: "Runs",
  path: "/runs",
  routes: [
    { pattern: "/runs", view: RunsList },
    { pattern: "/runs/:id", view: RunView },
  ],
};
