import type { Message } from "../../conversations/types";
import type { Logger } from "../../log";
import type { RunMcp } from "../../mcp/types";
import type { Terminal } from "../../repos/terminal";
import type { RunService } from "../service";
import type { IterationStore } from "./store";

// What the iterate loop is given: its collaborators and limits (LoopDeps), and one request's context.

export interface LoopDeps {
  runs: Pick<RunService, "start" | "cancel">;
  iterations: IterationStore;
  conversations: {
    addMessage(id: string, role: "user" | "assistant", content: string, opts?: { isReviewAgent?: boolean }): Promise<unknown>;
    getConversationContext(id: string): Promise<Message[]>;
  };
  terminal: Terminal;
  mcp?: Pick<RunMcp, "select"> | undefined;
  log: Logger;
  limits: {
    /** CURSOR_CLI_ITERATE_TIMEOUT: one attempt or review. */
    iterateTimeoutMs: number;
    /** CURSOR_CLI_DIAGNOSTIC_TIMEOUT. */
    diagnosticTimeoutMs: number;
    /** TERMINAL_COMMAND_TIMEOUT: the default for doneWhen. */
    terminalTimeoutMs: number;
  };
  /** REVIEW_AGENT_CLI_PATH. */
  reviewCommand?: string | undefined;
  now?: () => number;
}

export interface LoopContext {
  signal: AbortSignal;
  note: (detail: string) => void;
  /** The conversation as it stood before this request. */
  context: string;
}
