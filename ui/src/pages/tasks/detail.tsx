/**
 * One task (`#/tasks/<id>`): its status and who has control, the buttons its state allows, its
 * details, the chat, a composer, and its result or error once it ends. Live over
 * `/tasks/ws?taskId=`: each frame updates the task or appends its one message — the messages are
 * read in full only on open and after a dropped connection (Bytebot re-read 1000 on every message).
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type TaskAction } from "../../api";
import { Empty, ErrorNotice, Loading, PageHeader } from "../../components/notice";
import { LiveIndicator, TaskStatusBadge } from "../../components/status";
import { ago, firstLine, shortId, when } from "../../format";
import { useTitle } from "../../hooks";
import { followTasks } from "../../live";
import { href, navigate } from "../../router";
import type { StreamState } from "../../sse";
import { FINISHED_TASK_STATUSES, type Task, type TaskFile, type TaskMessage } from "../../types";
import type { RouteProps } from "../page";
import { byTime, processMessage, TaskChat } from "./chat";
import { type DesktopPanelComponent, desktopInteractive } from "./desktop";
import { newer, runsOn } from "./list";
import { fileSize } from "./new-task";

/** GET /messages/processed pages of this size, at most this many pages (10 000 messages). */
const MESSAGE_PAGE = 1000;
const MAX_MESSAGE_PAGES = 10;

/** Reads every message of the task, page by page, flattened out of the processed groups. */
async function readMessages(id: string, signal: AbortSignal): Promise<TaskMessage[]> {
  const all: TaskMessage[] = [];
  for (let page = 1; page <= MAX_MESSAGE_PAGES; page++) {
    const groups = await api.processedMessages(id, { page, limit: MESSAGE_PAGE }, signal);
    const messages = groups.flatMap((group) => group.messages);
    all.push(...messages);
    if (messages.length < MESSAGE_PAGE) break;
  }
  return all;
}

/** The task, its files and messages, kept current from the task's WebSocket. */
function useTaskFeed(id: string) {
  const [task, setTask] = useState<Task | undefined>();
  const [files, setFiles] = useState<TaskFile[] | undefined>();
  const [messages, setMessages] = useState<TaskMessage[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const [deleted, setDeleted] = useState(false);
  const [state, setState] = useState<{ state: StreamState; detail?: string | undefined }>({ state: "connecting" });
  const byId = useRef(new Map<string, TaskMessage>());
  const refetch = useRef<() => void>(() => {});

  const accept = (next: Task) => setTask((current) => newer(current, next));
  const add = (list: TaskMessage[]) => {
    let changed = false;
    for (const message of list) {
      const processed = processMessage(message);
      const known = byId.current.get(message.id);
      if (known && known.updatedAt >= processed.updatedAt) continue;
      byId.current.set(message.id, processed);
      changed = true;
    }
    if (changed) setMessages([...byId.current.values()].sort(byTime));
  };

  useEffect(() => {
    setTask(undefined);
    setFiles(undefined);
    setMessages([]);
    setError(undefined);
    setDeleted(false);
    byId.current = new Map();
    const controller = new AbortController();
    const { signal } = controller;

    const loadMessages = () =>
      readMessages(id, signal).then(add, (failure: Error) => {
        if (!signal.aborted) setError(failure);
      });
    refetch.current = () => void loadMessages();

    // The socket first, so nothing that happens while the page reads is missed; both are merged by id.
    let snapshots = 0;
    const stop = followTasks(id, {
      onFrame(frame) {
        if (frame.type === "task.snapshot" && frame.task) {
          accept(frame.task);
          // Cut off for a while: read again what may have been missed.
          if (snapshots++ > 0) void loadMessages();
        } else if (frame.type === "task.updated" && frame.task) accept(frame.task);
        else if (frame.type === "task.message") {
          if (frame.task) accept(frame.task);
          if (frame.message) add([frame.message]);
        } else if (frame.type === "task.deleted") setDeleted(true);
        else if (frame.type === "error" && frame.error) setError(new Error(frame.error));
      },
      onState: (next, detail) => setState({ state: next, detail }),
    });
    api.task(id, signal).then(
      ({ files: attached, ...loaded }) => {
        accept(loaded);
        setFiles(attached);
        setError(undefined);
      },
      (failure: Error) => {
        if (!signal.aborted) setError(failure);
      },
    );
    void loadMessages();
    return () => {
      controller.abort();
      stop();
    };
  }, [id]);

  return { task, files, messages, error, deleted, accept, refetchMessages: () => refetch.current(), ...state };
}

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="field-pair">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Who drives the task now, in words. */
export function controlText(task: Task): string | null {
  if (FINISHED_TASK_STATUSES.has(task.status)) return null;
  if (task.control === "USER") return "You have control";
  return task.status === "RUNNING" ? "Assistant working" : "Assistant's turn";
}

/** When the assistant will read a message sent now (README, Tasks: "see below for when"). */
export function deliveryHint(task: Task): string {
  if (task.status === "COMPLETED") return "This task is completed: a message reopens it, and the assistant answers it.";
  if (task.status === "FAILED" || task.status === "CANCELLED")
    return `This task is ${task.status === "FAILED" ? "failed" : "cancelled"}: a message is kept with it, but no one answers it.`;
  if (task.control === "USER" || task.status === "NEEDS_HELP" || task.status === "NEEDS_REVIEW")
    return "You have control: the assistant gets your messages when you press Resume.";
  if (task.status === "PENDING") return "The assistant gets this when the task starts.";
  return "The assistant is working: it gets this when its current run ends, and goes on with it instead of completing.";
}

interface ActionButton {
  action: TaskAction;
  label: string;
  busyLabel: string;
  kind?: "primary" | "danger";
}

/** The buttons the task's state allows (the server refuses the rest anyway). */
export function actionsFor(task: Task): ActionButton[] {
  const finished = FINISHED_TASK_STATUSES.has(task.status);
  const buttons: ActionButton[] = [];
  if (task.status === "PENDING" && task.control === "ASSISTANT")
    buttons.push({ action: "process", label: "Process now", busyLabel: "Starting…", kind: "primary" });
  if (!finished && task.control === "ASSISTANT")
    buttons.push({ action: "takeover", label: "Take over", busyLabel: "Taking over…" });
  if (!finished && task.control === "USER")
    buttons.push({ action: "resume", label: "Resume", busyLabel: "Resuming…", kind: "primary" });
  if (task.status === "RUNNING" && task.control === "ASSISTANT")
    buttons.push({ action: "abort", label: "Abort", busyLabel: "Aborting…" });
  if (!finished) buttons.push({ action: "cancel", label: "Cancel", busyLabel: "Cancelling…", kind: "danger" });
  return buttons;
}

function Composer({ task, onSent }: { task: Task; onSent: (task: Task) => void }) {
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const send = async () => {
    if (!message.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      onSent(await api.postTaskMessage(task.id, message));
      setMessage("");
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="composer"
      aria-label="Send the task a message"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <ErrorNotice error={error} title="Not sent:" />
      <label class="field">
        <span>Message</span>
        <textarea
          name="message"
          rows={2}
          value={message}
          aria-describedby="composer-hint"
          onInput={(event) => setMessage(event.currentTarget.value)}
          onKeyDown={(event) => {
            // Enter sends, Shift+Enter adds a line.
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
          placeholder="Add details or answer the assistant… (Enter sends, Shift+Enter adds a line)"
        />
      </label>
      <div class="composer-actions">
        <small id="composer-hint" class="muted">
          {deliveryHint(task)}
        </small>
        <button type="submit" class="button button-primary" disabled={busy || !message.trim()}>
          {busy ? "Sending…" : "Send"}
        </button>
      </div>
    </form>
  );
}

/** Ends a message with a full stop unless it has its own. */
const sentence = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** The outcome once there is one: the output of a completed task, the error of a failed one, what help is needed. */
function Outcome({ task }: { task: Task }) {
  if (task.status === "COMPLETED") {
    const result = (task.result ?? {}) as { output?: unknown; exitCode?: unknown; runId?: unknown };
    const output =
      typeof result.output === "string" ? result.output : task.result == null ? "" : JSON.stringify(task.result, null, 2);
    return (
      <section class="card outcome outcome-completed" aria-labelledby="outcome-title">
        <h2 id="outcome-title">Result</h2>
        {output ? <pre class="output">{output}</pre> : <Empty>The task completed without output.</Empty>}
        <p class="muted small">
          Completed {when(task.completedAt)}
          {typeof result.exitCode === "number" ? ` · exit code ${result.exitCode}` : ""}
          {typeof result.runId === "string" ? (
            <>
              {" "}
              · <a href={href(`/runs/${result.runId}`)}>its run</a>
            </>
          ) : null}
        </p>
      </section>
    );
  }
  if (task.status === "FAILED") return <ErrorNotice error={task.error ?? "The task failed."} title="Failed:" />;
  if (task.status === "CANCELLED")
    return (
      <div class="notice notice-info" role="status">
        <strong>Cancelled.</strong> {task.error ?? "This task was cancelled; its work was stopped."}
      </div>
    );
  if (task.status === "NEEDS_HELP" || task.status === "NEEDS_REVIEW")
    return (
      <div class="notice notice-warning" role="alert">
        <strong>The assistant needs help: </strong>
        {sentence(task.error ?? "it asked for a person")} Say what to do below, then press Resume.
      </div>
    );
  return null;
}

export interface TaskViewProps extends RouteProps {
  /** The live desktop of a desktop task (rendered only for `kind: "desktop"`). */
  desktopPanel?: DesktopPanelComponent | undefined;
}

export function TaskView({ params, desktopPanel: DesktopPanel }: TaskViewProps) {
  const id = params.id as string;
  useTitle(`Task ${shortId(id)}`);
  const feed = useTaskFeed(id);
  const [busy, setBusy] = useState<TaskAction | "delete" | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const { task } = feed;

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const act = async (action: TaskAction) => {
    setBusy(action);
    setActionError(undefined);
    try {
      feed.accept(await api.taskAction(id, action));
    } catch (failure) {
      setActionError((failure as Error).message);
    } finally {
      setBusy(undefined);
    }
    // The pressed button is usually gone now: after Take over the next step is to write; otherwise
    // keep the keyboard in the header's buttons.
    requestAnimationFrame(() => {
      if (action === "takeover") document.querySelector<HTMLElement>(".task-chat textarea")?.focus();
      else if (!document.activeElement || document.activeElement === document.body)
        document.querySelector<HTMLElement>(".page-actions button")?.focus();
    });
  };

  const remove = async () => {
    setBusy("delete");
    setActionError(undefined);
    try {
      await api.deleteTask(id);
      navigate("/tasks");
    } catch (failure) {
      setActionError((failure as Error).message);
      setBusy(undefined);
      setConfirming(false);
    }
  };

  const back = (
    <p class="breadcrumb">
      <a href={href("/tasks")}>← Tasks</a>
    </p>
  );

  if (!task) {
    return (
      <>
        {back}
        <ErrorNotice error={feed.error} title="Could not load the task:" />
        {feed.error ? null : <Loading />}
      </>
    );
  }

  const finished = FINISHED_TASK_STATUSES.has(task.status);
  const control = controlText(task);
  const working = task.status === "RUNNING" && task.control === "ASSISTANT";

  return (
    <>
      {back}
      <PageHeader
        title={firstLine(task.description, 90) || `Task ${shortId(task.id)}`}
        meta={
          <>
            <span role="status" aria-live="polite" class="task-state">
              <TaskStatusBadge status={task.status} />
              {control ? <span class={`control control-${task.control.toLowerCase()}`}>{control}</span> : null}
            </span>
            <LiveIndicator state={feed.state} detail={feed.detail} />
            <span class="muted">
              {task.priority.charAt(0) + task.priority.slice(1).toLowerCase()} priority · {task.kind} · {runsOn(task)}
              {task.repository ? ` · ${task.repository}` : ""} · created {ago(task.createdAt)}
            </span>
          </>
        }
      >
        {feed.deleted
          ? null
          : actionsFor(task).map((button) => (
              <button
                key={button.action}
                type="button"
                class={`button${button.kind ? ` button-${button.kind}` : ""}`}
                disabled={busy !== undefined}
                onClick={() => void act(button.action)}
              >
                {busy === button.action ? button.busyLabel : button.label}
              </button>
            ))}
        {feed.deleted || confirming ? null : (
          <button
            ref={deleteButton}
            type="button"
            class="button button-ghost"
            disabled={busy !== undefined}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        )}
      </PageHeader>
      {confirming ? (
        <div class="notice notice-warning confirm" role="alertdialog" aria-labelledby="confirm-delete-text">
          <span id="confirm-delete-text">
            Delete this task with its messages and files?{finished ? "" : " Its work is stopped first."} This cannot be undone.
          </span>
          <span class="confirm-actions">
            <button
              ref={confirmButton}
              type="button"
              class="button button-danger"
              disabled={busy === "delete"}
              onClick={() => void remove()}
            >
              {busy === "delete" ? "Deleting…" : "Delete task"}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => deleteButton.current?.focus());
              }}
            >
              Keep it
            </button>
          </span>
        </div>
      ) : null}
      {feed.deleted ? (
        <div class="notice notice-info" role="status">
          This task was deleted. <a href={href("/tasks")}>Back to the tasks</a>
        </div>
      ) : null}
      <ErrorNotice error={actionError} />
      <ErrorNotice error={feed.error} />
      <Outcome task={task} />

      {task.kind === "desktop" && DesktopPanel ? <DesktopPanel task={task} interactive={desktopInteractive(task)} /> : null}

      <div class="run-grid task-grid">
        <section class="card task-chat" aria-labelledby="chat-title">
          <div class="section-head">
            <h2 id="chat-title">Conversation</h2>
            <span class="muted small">
              {feed.messages.length} message{feed.messages.length === 1 ? "" : "s"}
            </span>
          </div>
          <TaskChat messages={feed.messages}>
            {working ? (
              <p class="working">
                <span class="spinner" aria-hidden="true" />
                The assistant is working…
              </p>
            ) : task.status === "PENDING" ? (
              <p class="working">
                <span class="spinner" aria-hidden="true" />
                {task.type === "SCHEDULED" && task.scheduledFor && Date.parse(task.scheduledFor) > Date.now()
                  ? `Scheduled: starts ${when(task.scheduledFor)}.`
                  : "Waiting for a free slot…"}
              </p>
            ) : null}
          </TaskChat>
          {feed.deleted ? null : (
            <Composer
              task={task}
              onSent={(updated) => {
                feed.accept(updated);
                if (feed.state !== "live") feed.refetchMessages();
              }}
            />
          )}
        </section>

        <aside class="card run-details" aria-labelledby="task-details-title">
          <h2 id="task-details-title">Details</h2>
          <dl class="fields">
            <Field label="Status">{task.status}</Field>
            <Field label="Control">{task.control === "USER" ? "You (USER)" : "Assistant (ASSISTANT)"}</Field>
            <Field label="Priority">{task.priority}</Field>
            <Field label="Kind">{task.kind}</Field>
            <Field label={task.kind === "agent" ? "Agent" : "Model"}>{runsOn(task)}</Field>
            {task.kind === "agent" ? <Field label="Repository">{task.repository ?? "— (the repositories folder)"}</Field> : null}
            {task.branchName ? <Field label="Branch">{task.branchName}</Field> : null}
            <Field label="Schedule">{task.type === "SCHEDULED" ? `Scheduled for ${when(task.scheduledFor)}` : "Immediate"}</Field>
            <Field label="Attempts">
              {task.attempts}
              {task.interruptions ? ` (${task.interruptions} interrupted)` : ""}
            </Field>
            {task.runId ? (
              <Field label="Run">
                <a href={href(`/runs/${task.runId}`)} class="mono">
                  {shortId(task.runId)}
                </a>
              </Field>
            ) : null}
            <Field label="Created">
              {when(task.createdAt)}
              {task.createdBy === "ASSISTANT" ? " by the assistant" : ""}
            </Field>
            {task.executedAt ? <Field label="Started">{when(task.executedAt)}</Field> : null}
            {task.completedAt ? <Field label="Completed">{when(task.completedAt)}</Field> : null}
            {task.callbackUrl ? (
              <Field label="Callback">
                <span class="mono break">{task.callbackUrl}</span>
              </Field>
            ) : null}
            <Field label="Task id">
              <span class="mono break">{task.id}</span>
            </Field>
          </dl>
          {feed.files && feed.files.length > 0 ? (
            <>
              <h3>Files</h3>
              <ul class="chips" aria-label="Attached files">
                {feed.files.map((file) => (
                  <li key={file.id} class="chip">
                    <span class="chip-name">{file.name}</span>
                    <span class="muted small">{fileSize(file.size)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </aside>
      </div>
    </>
  );
}
