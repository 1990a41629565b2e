/**
 * The task list (`#/tasks?tab=active&page=2`): Bytebot's tabs with their counts, ten tasks a page,
 * kept live over `/tasks/ws` — a new task, a status change or a deletion anywhere shows without a
 * reload (Bytebot's list never heard of them, B§2.2).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api";
import { Empty, ErrorNotice, Loading, PageHeader } from "../../components/notice";
import { LiveIndicator, TaskStatusBadge } from "../../components/status";
import { ago, firstLine, shortId, when } from "../../format";
import { useResource, useTitle } from "../../hooks";
import { followTasks } from "../../live";
import { href, navigate } from "../../router";
import type { StreamState } from "../../sse";
import type { Task } from "../../types";
import type { RouteProps } from "../page";
import { NewTaskForm } from "./new-task";

export const PAGE_SIZE = 10;

export const TABS = [
  { id: "all", label: "All", statuses: "", empty: "No tasks yet. Create one with “New task”, or through the API (POST /tasks)." },
  {
    id: "active",
    label: "Active",
    statuses: "PENDING,RUNNING,NEEDS_HELP,NEEDS_REVIEW",
    empty: "Nothing is pending, running or waiting for you.",
  },
  { id: "completed", label: "Completed", statuses: "COMPLETED", empty: "No task has completed yet." },
  { id: "cancelled_failed", label: "Cancelled/Failed", statuses: "CANCELLED,FAILED", empty: "No task was cancelled or failed." },
] as const;

type Tab = (typeof TABS)[number];

/** `?tab=active` (also Bytebot's `?tab=ACTIVE`, `CANCELLED_FAILED`); anything else is All. */
export const tabOf = (query: URLSearchParams): Tab =>
  TABS.find((tab) => tab.id === (query.get("tab") ?? "").toLowerCase().replace("-", "_")) ?? TABS[0];

/** The newer of two copies of one task (frames and reloads race; `updatedAt` orders them). */
export const newer = (a: Task | undefined, b: Task): Task => (a && a.updatedAt > b.updatedAt ? a : b);

const PRIORITY_LABELS: Record<string, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High", URGENT: "Urgent" };

/** What runs a task: its agent (and model), or a desktop task's model: "cursor", "claude · sonnet", "Claude Sonnet 4". */
export const runsOn = (task: Task) =>
  task.kind === "agent"
    ? `${task.agent ?? "the default agent"}${task.modelName ? ` · ${task.modelName}` : ""}`
    : task.model
      ? task.model.title || task.model.name
      : (task.modelName ?? "the default model");

/** Keeps the list and its counts current from the every-task WebSocket, reloading at most a few times a second. */
function useLiveTasks(reload: () => void) {
  const [state, setState] = useState<{ state: StreamState; detail?: string | undefined }>({ state: "connecting" });
  const [live, setLive] = useState<Record<string, Task>>({});
  /** The last status seen of every task this page heard of: a change moves it between tabs. */
  const known = useRef(new Map<string, string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reloader = useRef(reload);
  reloader.current = reload;

  useEffect(() => {
    let subscribed = 0;
    const soon = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => reloader.current(), 250);
    };
    const stop = followTasks(null, {
      onFrame(frame) {
        if (frame.type === "tasks.subscribed") {
          // After a reconnect, whatever happened meanwhile is read again.
          if (subscribed++ > 0) soon();
          return;
        }
        if (frame.type === "task.created" || frame.type === "task.deleted") soon();
        const task = frame.task;
        if (!task) return;
        setLive((current) => ({ ...current, [task.id]: newer(current[task.id], task) }));
        if (known.current.get(task.id) !== task.status) {
          known.current.set(task.id, task.status);
          soon();
        }
      },
      onState: (next, detail) => setState({ state: next, detail }),
    });
    return () => {
      stop();
      clearTimeout(timer.current);
    };
  }, []);

  return { ...state, live, known: known.current };
}

function TaskRow({ task }: { task: Task }) {
  return (
    <tr>
      <td>
        <TaskStatusBadge status={task.status} />
        {task.control === "USER" && (task.status === "RUNNING" || task.status === "PENDING") ? (
          <span class="muted small control-note"> you have control</span>
        ) : null}
      </td>
      <td class="cell-main">
        <a href={href(`/tasks/${task.id}`)} class="row-link">
          {firstLine(task.description, 90) || "(no description)"}
        </a>
        <span class="mono muted small"> {shortId(task.id)}</span>
        {task.type === "SCHEDULED" && task.scheduledFor ? (
          <span class="muted small task-schedule">
            {" "}
            · scheduled for <time dateTime={task.scheduledFor}>{when(task.scheduledFor)}</time>
          </span>
        ) : null}
      </td>
      <td class="hide-narrow">
        <span class={`priority priority-${task.priority.toLowerCase()}`}>{PRIORITY_LABELS[task.priority] ?? task.priority}</span>
      </td>
      <td class="hide-narrow">
        <span class="muted">{task.kind}</span> · {runsOn(task)}
      </td>
      <td class="hide-narrow">{task.repository ?? <span class="muted">—</span>}</td>
      <td>
        <time dateTime={task.createdAt} title={when(task.createdAt)}>
          {ago(task.createdAt)}
          <span class="visually-hidden"> ({when(task.createdAt)})</span>
        </time>
      </td>
    </tr>
  );
}

function Tabs({ current, counts }: { current: Tab; counts: number[] | undefined }) {
  const refs = useRef<(HTMLAnchorElement | null)[]>([]);
  const focusNext = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (focusNext.current === undefined) return;
    refs.current[focusNext.current]?.focus();
    focusNext.current = undefined;
  });
  // Arrow keys move between tabs (and open them), Home and End go to the ends: the ARIA tabs pattern.
  const onKeyDown = (event: KeyboardEvent) => {
    const index = TABS.findIndex((tab) => tab.id === current.id);
    const next =
      event.key === "ArrowRight"
        ? (index + 1) % TABS.length
        : event.key === "ArrowLeft"
          ? (index - 1 + TABS.length) % TABS.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? TABS.length - 1
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    focusNext.current = next;
    navigate("/tasks", { tab: next === 0 ? undefined : TABS[next]?.id });
  };
  return (
    <div class="tabs" role="tablist" aria-label="Tasks by status" onKeyDown={onKeyDown}>
      {TABS.map((tab, index) => {
        const selected = tab.id === current.id;
        return (
          <a
            key={tab.id}
            ref={(element) => {
              refs.current[index] = element;
            }}
            id={`tasks-tab-${tab.id}`}
            role="tab"
            href={href("/tasks", { tab: index === 0 ? undefined : tab.id })}
            class={selected ? "tab current" : "tab"}
            aria-selected={selected}
            aria-controls="tasks-panel"
            tabIndex={selected ? 0 : -1}
          >
            {tab.label}
            <span class="tab-count" data-tab-count={tab.id}>
              {counts ? counts[index] : "…"}
            </span>
          </a>
        );
      })}
    </div>
  );
}

export function TaskList({ query }: RouteProps) {
  useTitle("Tasks");
  const tab = tabOf(query);
  const page = Math.max(1, Number.parseInt(query.get("page") ?? "1", 10) || 1);
  const [creating, setCreating] = useState(query.get("new") === "1");
  const list = useResource(
    (signal) => api.tasks({ page, limit: PAGE_SIZE, statuses: tab.statuses || undefined }, signal),
    [tab.id, page],
  );
  const counts = useResource(
    (signal) =>
      Promise.all(TABS.map((each) => api.tasks({ limit: 1, statuses: each.statuses || undefined }, signal))).then((pages) =>
        pages.map((each) => each.total),
      ),
    [],
  );
  const feed = useLiveTasks(() => {
    list.reload();
    counts.reload();
  });
  for (const task of list.data?.tasks ?? []) if (!feed.known.has(task.id)) feed.known.set(task.id, task.status);

  const tasks = (list.data?.tasks ?? []).map((task) => newer(feed.live[task.id], task));
  const total = list.data?.total ?? 0;
  const totalPages = list.data?.totalPages ?? 0;
  const tabQuery = tab.id === "all" ? undefined : tab.id;

  return (
    <>
      <PageHeader
        title="Tasks"
        meta={
          <>
            <LiveIndicator state={feed.state} detail={feed.detail} />
            {counts.data ? (
              <span class="muted">
                {counts.data[0]} task{counts.data[0] === 1 ? "" : "s"}, {counts.data[1]} active
              </span>
            ) : null}
          </>
        }
      >
        {creating ? null : (
          <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
            New task
          </button>
        )}
      </PageHeader>
      {creating ? <NewTaskForm onClose={() => setCreating(false)} /> : null}
      <Tabs current={tab} counts={counts.data} />
      <ErrorNotice error={counts.error} title="Could not count tasks:" />
      <div id="tasks-panel" role="tabpanel" aria-labelledby={`tasks-tab-${tab.id}`} class="tab-panel">
        <ErrorNotice error={list.error} title="Could not load tasks:" />
        {!list.data && list.loading ? <Loading /> : null}
        {list.data && tasks.length === 0 ? <Empty>{page > 1 ? "No tasks on this page." : tab.empty}</Empty> : null}
        {tasks.length > 0 ? (
          <div class="card table-card">
            <table class="table tasks-table">
              <caption class="visually-hidden">{tab.label} tasks, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Task</th>
                  <th scope="col" class="hide-narrow">
                    Priority
                  </th>
                  <th scope="col" class="hide-narrow">
                    Kind · agent
                  </th>
                  <th scope="col" class="hide-narrow">
                    Repository
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {tasks.map((task) => (
                  <TaskRow key={task.id} task={task} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {list.data && totalPages > 1 ? (
          <nav class="pager" aria-label="Pages of tasks">
            {page > 1 ? (
              <a class="button" href={href("/tasks", { tab: tabQuery, page: page - 1 > 1 ? page - 1 : undefined })}>
                ← Newer
              </a>
            ) : null}
            <span class="muted">
              Page {page} of {totalPages} · {total} task{total === 1 ? "" : "s"}
            </span>
            {page < totalPages ? (
              <a class="button" href={href("/tasks", { tab: tabQuery, page: page + 1 })}>
                Older →
              </a>
            ) : null}
          </nav>
        ) : null}
      </div>
    </>
  );
}
