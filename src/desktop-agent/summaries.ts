// Runtime-neutral: folding a long conversation into a summary when the context fills up (B§3.4).
import type { LanguageModel, ModelMessage } from "ai";
import type { TaskSummaries } from "../tasks/summaries";
import { callModel } from "./model-call";
import { SUMMARY_REQUEST, SUMMARY_SYSTEM_PROMPT } from "./prompt";
import { type RetryPolicy, withRetries } from "./retry";

export interface SummaryDeps {
  summaries: Pick<TaskSummaries, "add">;
  retry: RetryPolicy;
  maxOutputTokens: number;
  timeoutMs: number;
}

/** Whether the last call's tokens reached the threshold of the model's window (B§3.4: 75 %). */
export const needsSummary = (usedTokens: number, contextWindow: number, fraction: number) =>
  usedTokens >= fraction * contextWindow;

/**
 * Asks the model (streamed, no tools) for a summary of `context` and stores it, folding the messages it
 * covered (`messageIds`) into it, so the next iteration sends the summary instead of them. The
 * newest assistant message is not among them: it stays, with the tool results that follow it.
 * Returns the summary text; throws on failure (the caller logs and goes on, as Bytebot does).
 */
export async function summarize(
  deps: SummaryDeps,
  input: {
    taskId: string;
    model: LanguageModel;
    context: ModelMessage[];
    messageIds: string[];
    parentId: string | null;
    signal: AbortSignal;
  },
): Promise<string> {
  const reply = await withRetries(
    () =>
      callModel({
        model: input.model,
        system: SUMMARY_SYSTEM_PROMPT,
        messages: [...input.context, { role: "user", content: [{ type: "text", text: SUMMARY_REQUEST }] }],
        maxOutputTokens: deps.maxOutputTokens,
        timeoutMs: deps.timeoutMs,
        signal: input.signal,
      }),
    deps.retry,
    input.signal,
  );
  const text = reply.blocks
    .flatMap((block) => (block.type === "text" ? [block.text] : []))
    .join("\n")
    .trim();
  if (!text) throw new Error("The model returned an empty summary");
  await deps.summaries.add(input.taskId, text, input.messageIds, input.parentId);
  return text;
}
