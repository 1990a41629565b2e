import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { Empty, ErrorNotice, Loading, PageHeader } from "../components/notice";
import { LiveIndicator } from "../components/status";
import { ago, clock, firstLine, shortId, when } from "../format";
import { useResource, useTitle } from "../hooks";
import { followConversation } from "../live";
import { href, navigate } from "../router";
import type { StreamState } from "../sse";
import type { Conversation } from "../types";
import type { PageModule, RouteProps } from "./page";

const PAGE_SIZE = 25;

function NewConversationButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { conversationId } = await api.newConversation();
      navigate(`/conversations/${conversationId}`);
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="button button-primary" onClick={() => void create()} disabled={busy}>
        {busy ? "Creating…" : "New conversation"}
      </button>
      <ErrorNotice error={error} />
    </>
  );
}

function ConversationList({ query }: RouteProps) {
  useTitle("Conversations");
  const page = Math.max(0, Number.parseInt(query.get("page") ?? "0", 10) || 0);
  const list = useResource((signal) => api.conversations({ limit: PAGE_SIZE, offset: page * PAGE_SIZE }, signal), [page], {
    refreshMs: 5000,
  });
  const total = list.data?.pagination.total ?? 0;
  return (
    <>
      <PageHeader title="Conversations" meta={list.data ? `${total} conversation${total === 1 ? "" : "s"}` : undefined}>
        <NewConversationButton />
      </PageHeader>
      <ErrorNotice error={list.error} title="Could not load conversations:" />
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && list.data.conversations.length === 0 ? (
        <Empty>No conversations yet. Conversations remember what was said, so each message resumes the agent's session.</Empty>
      ) : null}
      {list.data && list.data.conversations.length > 0 ? (
        <ul class="card list">
          {list.data.conversations.map((conversation) => {
            const last = conversation.messages[conversation.messages.length - 1];
            return (
              <li key={conversation.conversationId} class="list-item">
                <a href={href(`/conversations/${conversation.conversationId}`)} class="list-link">
                  <span class="list-title">{last ? firstLine(last.content, 100) : "No messages yet"}</span>
                  <span class="list-meta muted small">
                    <span class="mono">{shortId(conversation.conversationId)}</span> · {conversation.messages.length} message
                    {conversation.messages.length === 1 ? "" : "s"} · active {ago(conversation.lastAccessedAt)}
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
      {list.data && (page > 0 || list.data.pagination.hasMore) ? (
        <nav class="pager" aria-label="Pages of conversations">
          {page > 0 ? (
            <a class="button" href={href("/conversations", { page: page - 1 || undefined })}>
              ← Newer
            </a>
          ) : null}
          {list.data.pagination.hasMore ? (
            <a class="button" href={href("/conversations", { page: page + 1 })}>
              Older →
            </a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

function Composer({ conversationId, onSent }: { conversationId: string; onSent: (runId: string, message: string) => void }) {
  const [message, setMessage] = useState("");
  const [repository, setRepository] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const repositories = useResource((signal) => api.repositories(signal).catch(() => ({ repositories: [] })), []);

  const send = async () => {
    if (!message.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const { runId } = await api.sendMessage(conversationId, { message, ...(repository ? { repository } : {}) });
      onSent(runId, message);
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
          rows={3}
          value={message}
          onInput={(event) => setMessage(event.currentTarget.value)}
          onKeyDown={(event) => {
            // Enter sends, Shift+Enter adds a line.
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
          placeholder="Ask the agent… (Enter sends, Shift+Enter adds a line)"
        />
      </label>
      <div class="composer-actions">
        <label class="field field-inline">
          <span>Repository</span>
          <select value={repository} onChange={(event) => setRepository(event.currentTarget.value)}>
            <option value="">None</option>
            {repositories.data?.repositories.map((repo) => (
              <option key={repo.name} value={repo.name}>
                {repo.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="button button-primary" disabled={busy || !message.trim()}>
          {busy ? "Sending…" : "Send"}
        </button>
      </div>
    </form>
  );
}

function ConversationView({ params }: RouteProps) {
  const id = params.id as string;
  useTitle(`Conversation ${shortId(id)}`);
  const initial = useResource((signal) => api.conversation(id, signal), [id]);
  const [live, setLive] = useState<Conversation | undefined>();
  const [state, setState] = useState<{ state: StreamState; detail?: string | undefined }>({ state: "connecting" });
  const [frameError, setFrameError] = useState<string | undefined>();
  /** Messages sent from this page, each with the number of agent answers that means it was answered. */
  const [runs, setRuns] = useState<{ runId: string; answeredAt: number }[]>([]);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setLive(undefined);
    setRuns([]);
    return followConversation(id, {
      onFrame(frame) {
        if (frame.conversation) {
          setLive(frame.conversation);
          setFrameError(undefined);
        } else if (frame.type === "error" && frame.error) setFrameError(frame.error);
      },
      onState: (next, detail) => setState({ state: next, detail }),
    });
  }, [id]);

  const conversation = live ?? initial.data;
  const messages = conversation?.messages ?? [];
  // A sent message waits for its answer (runs in a conversation answer in order).
  const answers = messages.filter((message) => message.role === "assistant").length;
  const waiting = runs.filter((run) => answers < run.answeredAt);

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [messages.length, waiting.length]);

  return (
    <>
      <p class="breadcrumb">
        <a href={href("/conversations")}>← Conversations</a>
      </p>
      <PageHeader
        title={
          <>
            Conversation <span class="mono">{shortId(id)}</span>
          </>
        }
        meta={
          <>
            <LiveIndicator state={state.state} detail={state.detail} />
            {conversation ? <span class="muted">started {when(conversation.createdAt)}</span> : null}
          </>
        }
      />
      <ErrorNotice error={initial.error && !live ? initial.error : frameError} />
      {!conversation && initial.loading ? <Loading /> : null}
      {conversation ? (
        <section class="card chat" aria-label="Messages">
          {conversation.summarizedMessages && conversation.summarizedMessages.length > 0 ? (
            <p class="muted small">Earlier messages were condensed into a summary for the agent.</p>
          ) : null}
          {messages.length === 0 && waiting.length === 0 ? <Empty>No messages yet. Say something below.</Empty> : null}
          <ol class="messages" aria-live="polite" aria-relevant="additions">
            {messages.map((message, index) => (
              <li key={`${index}-${message.timestamp}`} class={`message message-${message.role}`}>
                <div class="message-meta">
                  <span class="message-author">{message.role === "user" ? "You" : "Agent"}</span>
                  <time dateTime={message.timestamp}>{clock(message.timestamp)}</time>
                </div>
                <div class="message-body">{message.content}</div>
              </li>
            ))}
          </ol>
          {waiting.map((run) => (
            <p key={run.runId} class="working" role="status">
              <span class="spinner" aria-hidden="true" />
              The agent is working on it… <a href={href(`/runs/${run.runId}`)}>follow the run</a>
            </p>
          ))}
          <div ref={bottom} />
        </section>
      ) : null}
      {conversation ? (
        <Composer
          conversationId={id}
          onSent={(runId) => setRuns((current) => [...current, { runId, answeredAt: answers + waiting.length + 1 }])}
        />
      ) : null}
    </>
  );
}

export const conversationsPage: PageModule = {
  id: "conversations",
  title: "Conversations",
  path: "/conversations",
  routes: [
    { pattern: "/conversations", view: ConversationList },
    { pattern: "/conversations/:id", view: ConversationView },
  ],
};
