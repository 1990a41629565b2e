/**
 * The form that creates a task (POST /tasks): what to do, on which agent or model, in which
 * repository and branch, how urgent, when, with which files, and who to tell. The server checks
 * everything again; its 400 names the field, and the form marks that field.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type NewTask } from "../../api";
import { ErrorNotice } from "../../components/notice";
import { useResource } from "../../hooks";
import { navigate } from "../../router";
import { TASK_PRIORITIES, type TaskKind, type TaskModelOption, type TaskPriority } from "../../types";

/** Client-side limits (the server has its own: TASK_MAX_FILES, TASK_MAX_FILE_BYTES, TASK_MAX_BODY_BYTES). */
export const MAX_FILES = 10;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** base64 grows a file by a third: 20 MB of files is about 27 MB of body, under the server's 32 MB. */
export const MAX_TOTAL_BYTES = 20 * 1024 * 1024;

const EMPTY_DESCRIPTION = "description is required (the task, in words)";

interface Attachment {
  name: string;
  type: string;
  size: number;
  base64: string;
}

/** The form control a server message is about ("callbackUrl must be …", "Repository not found …"). */
const FIELDS: [RegExp, string][] = [
  [/^description\b/, "description"],
  [/^(kind|agent|model)\b/, "model"],
  [/^priority\b/, "priority"],
  [/^(type|scheduledFor)\b/, "schedule"],
  [/^(repository\b|Repository not found)/, "repository"],
  [/^branchName\b/, "branch"],
  [/^(callbackUrl|callback_url)\b/, "callbackUrl"],
  [/^files\b/, "files"],
];
const fieldOf = (message: string) => FIELDS.find(([pattern]) => pattern.test(message))?.[1];

/** 26 B, 12 KB, 3.5 MB, 10 MB */
export const fileSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MB`;

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

const modelKey = (model: TaskModelOption) => `${model.provider}/${model.name}`;

export function NewTaskForm({ onClose }: { onClose: () => void }) {
  const models = useResource((signal) => api.taskModels(signal).catch(() => [] as TaskModelOption[]), []);
  const repositories = useResource((signal) => api.repositories(signal).catch(() => ({ repositories: [] })), []);
  const [description, setDescription] = useState("");
  const [kind, setKind] = useState<TaskKind>("agent");
  const [model, setModel] = useState("");
  const [repository, setRepository] = useState("");
  const [branch, setBranch] = useState("");
  const [priority, setPriority] = useState<TaskPriority>("MEDIUM");
  const [schedule, setSchedule] = useState("");
  const [callbackUrl, setCallbackUrl] = useState("");
  const [files, setFiles] = useState<Attachment[]>([]);
  const [fileError, setFileError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | undefined>();
  const form = useRef<HTMLFormElement>(null);
  const descriptionBox = useRef<HTMLTextAreaElement>(null);

  useEffect(() => descriptionBox.current?.focus(), []);

  const choices = (models.data ?? []).filter((entry) => entry.kind === kind);
  const chosen = choices.find((entry) => modelKey(entry) === model) ?? choices[0];

  // Put the cursor on the field the error is about (the server's message names it).
  useEffect(() => {
    if (!error?.field) return;
    form.current?.querySelector<HTMLElement>(`[data-field="${error.field}"]`)?.focus();
  }, [error]);

  const invalid = (field: string) =>
    error?.field === field ? { "aria-invalid": true as const, "aria-describedby": "new-task-error" } : {};

  const addFiles = async (list: FileList | null) => {
    setFileError(undefined);
    const picked = [...(list ?? [])];
    const problems: string[] = [];
    const accepted: Attachment[] = [];
    let total = files.reduce((sum, file) => sum + file.size, 0);
    for (const file of picked) {
      if (files.length + accepted.length >= MAX_FILES) {
        problems.push(`${file.name}: at most ${MAX_FILES} files may be attached`);
        continue;
      }
      if (file.size > MAX_FILE_BYTES) {
        problems.push(`${file.name} is larger than ${fileSize(MAX_FILE_BYTES)}, the limit for one file`);
        continue;
      }
      if (total + file.size > MAX_TOTAL_BYTES) {
        problems.push(`${file.name}: the files together may be at most ${fileSize(MAX_TOTAL_BYTES)}`);
        continue;
      }
      try {
        accepted.push({
          name: file.name,
          type: file.type || "application/octet-stream",
          size: file.size,
          base64: await readBase64(file),
        });
        total += file.size;
      } catch (failure) {
        problems.push((failure as Error).message);
      }
    }
    setFiles((current) => [...current, ...accepted]);
    if (problems.length) setFileError(`Not attached: ${problems.join("; ")}.`);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!description.trim()) {
      setError({ message: EMPTY_DESCRIPTION, field: "description" });
      return;
    }
    setBusy(true);
    setError(undefined);
    const body: NewTask = {
      description,
      kind,
      priority,
      ...(chosen
        ? {
            model: {
              provider: chosen.provider,
              name: chosen.name,
              title: chosen.title,
              ...(chosen.contextWindow ? { contextWindow: chosen.contextWindow } : {}),
            },
          }
        : {}),
      ...(kind === "agent" && repository.trim() ? { repository: repository.trim() } : {}),
      ...(kind === "agent" && branch.trim() ? { branchName: branch.trim() } : {}),
      ...(schedule ? { type: "SCHEDULED" as const, scheduledFor: new Date(schedule).toISOString() } : {}),
      ...(callbackUrl.trim() ? { callbackUrl: callbackUrl.trim() } : {}),
      ...(files.length ? { files: files.map(({ name, base64, type }) => ({ name, base64, type })) } : {}),
    };
    try {
      const task = await api.createTask(body);
      navigate(`/tasks/${task.id}`);
    } catch (failure) {
      const message = (failure as Error).message;
      setError({ message, field: fieldOf(message) });
      setBusy(false);
    }
  };

  return (
    <form class="card form new-task" ref={form} onSubmit={submit} aria-labelledby="new-task-title" noValidate>
      <h2 id="new-task-title">New task</h2>
      <label class="field">
        <span>What should be done?</span>
        <textarea
          ref={descriptionBox}
          name="description"
          data-field="description"
          rows={4}
          value={description}
          onInput={(event) => setDescription(event.currentTarget.value)}
          onKeyDown={(event) => {
            // Enter creates the task, Shift+Enter adds a line.
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              form.current?.requestSubmit();
            }
          }}
          placeholder="Describe the task… (Enter creates it, Shift+Enter adds a line)"
          {...invalid("description")}
        />
      </label>
      <div class="field-row">
        <label class="field">
          <span>Kind</span>
          <select
            name="kind"
            value={kind}
            onChange={(event) => {
              setKind(event.currentTarget.value as TaskKind);
              setModel("");
            }}
          >
            <option value="agent">Coding agent</option>
            <option value="desktop">Desktop</option>
          </select>
        </label>
        <label class="field">
          <span>{kind === "agent" ? "Agent and model" : "Model"}</span>
          <select
            name="model"
            data-field="model"
            value={chosen ? modelKey(chosen) : ""}
            onChange={(event) => setModel(event.currentTarget.value)}
            {...invalid("model")}
          >
            {choices.map((entry) => (
              <option key={modelKey(entry)} value={modelKey(entry)}>
                {entry.title}
              </option>
            ))}
            {choices.length === 0 ? (
              <option value="">
                {models.loading ? "Loading…" : kind === "agent" ? "The server's default agent" : "None configured"}
              </option>
            ) : null}
          </select>
        </label>
        <label class="field">
          <span>Priority</span>
          <select
            name="priority"
            data-field="priority"
            value={priority}
            onChange={(event) => setPriority(event.currentTarget.value as TaskPriority)}
          >
            {TASK_PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {value.charAt(0) + value.slice(1).toLowerCase()}
              </option>
            ))}
          </select>
        </label>
      </div>
      {kind === "desktop" && choices.length === 0 && !models.loading ? (
        <p class="muted small form-note">
          No desktop model is configured on this server: a desktop task created here waits for an instance that can drive a
          desktop, or fails saying none can.
        </p>
      ) : null}
      {kind === "agent" ? (
        <div class="field-row">
          <label class="field">
            <span>Repository</span>
            <input
              name="repository"
              data-field="repository"
              list="task-repositories"
              value={repository}
              onInput={(event) => setRepository(event.currentTarget.value)}
              placeholder="none: the repositories folder"
              autoComplete="off"
              {...invalid("repository")}
            />
            <datalist id="task-repositories">
              {repositories.data?.repositories.map((repo) => (
                <option key={repo.name} value={repo.name} />
              ))}
            </datalist>
          </label>
          <label class="field">
            <span>Branch (optional)</span>
            <input
              name="branchName"
              data-field="branch"
              value={branch}
              onInput={(event) => setBranch(event.currentTarget.value)}
              placeholder="the repository's current branch"
              autoComplete="off"
              {...invalid("branch")}
            />
          </label>
        </div>
      ) : null}
      <div class="field-row">
        <label class="field">
          <span>Start at (optional)</span>
          <input
            name="scheduledFor"
            data-field="schedule"
            type="datetime-local"
            value={schedule}
            onInput={(event) => setSchedule(event.currentTarget.value)}
            aria-describedby={error?.field === "schedule" ? "new-task-error" : "schedule-hint"}
            aria-invalid={error?.field === "schedule" ? true : undefined}
          />
          <small id="schedule-hint" class="muted">
            Empty: as soon as a slot is free. Set: a scheduled task, not started before then.
          </small>
        </label>
        <label class="field">
          <span>Callback URL (optional)</span>
          <input
            name="callbackUrl"
            data-field="callbackUrl"
            type="url"
            value={callbackUrl}
            onInput={(event) => setCallbackUrl(event.currentTarget.value)}
            placeholder="https://example.com/hooks/tasks"
            autoComplete="off"
            {...invalid("callbackUrl")}
          />
        </label>
      </div>
      <div class="attachments">
        <label class="button button-small file-pick">
          <input
            type="file"
            multiple
            class="visually-hidden"
            data-field="files"
            disabled={files.length >= MAX_FILES}
            onChange={(event) => {
              const input = event.currentTarget;
              void addFiles(input.files).then(() => {
                input.value = "";
              });
            }}
          />
          Attach files
        </label>
        <span class="muted small">
          {files.length} / {MAX_FILES} files, at most {fileSize(MAX_FILE_BYTES)} each
        </span>
        {files.length ? (
          <ul class="chips" aria-label="Attached files">
            {files.map((file, index) => (
              <li key={`${file.name}-${index}`} class="chip">
                <span class="chip-name">{file.name}</span>
                <span class="muted small">{fileSize(file.size)}</span>
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={`Remove ${file.name}`}
                  onClick={() => setFiles((current) => current.filter((_, at) => at !== index))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <ErrorNotice error={fileError} />
      {error ? (
        <div class="notice notice-error" role="alert" id="new-task-error">
          <strong>Not created: </strong>
          {error.message}
        </div>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? "Creating…" : "Create task"}
        </button>
        <button type="button" class="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
