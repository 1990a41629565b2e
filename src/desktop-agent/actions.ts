// Runtime-neutral: one computer_* tool call → one desktop action → one tool_result (B§3.3, B§3.8).
import type { ActionName, ComputerAction } from "../desktop/actions";
import type { Desktop } from "../desktop/service";
import type { ContentBlock } from "../tasks/types";
import { inputSchemaOf } from "./tools";

type ToolResult = Extract<ContentBlock, { type: "tool_result" }>;

export interface ActionDeps {
  desktop: Pick<Desktop, "run">;
  /** Pause between an action and its screenshot, so the screen has reacted (B§3.3: 750 ms). */
  screenshotDelayMs: number;
}

/** Actions that only read: no screenshot after them (the screenshot is its own result). */
const READ_ONLY = new Set<ActionName>(["screenshot", "cursor_position", "read_file"]);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

const text = (value: string): ContentBlock => ({ type: "text", text: value });
const png = (data: string): ContentBlock => ({ type: "image", source: { type: "base64", media_type: "image/png", data } });

/** A tool call's input as our zod schema reads it, or the problem a person (or model) can act on. */
export function parseInput(
  name: string,
  input: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const schema = inputSchemaOf(name);
  if (!schema) return { ok: false, error: `Unknown tool: ${name}` };
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
  const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ` : "") + issue.message);
  return { ok: false, error: `Invalid input for ${name}: ${problems.join("; ")}` };
}

/**
 * Runs a computer_* tool call through the desktop service (the same one POST /computer-use uses)
 * and answers like Bytebot: a screenshot is its image, the cursor position is text, read_file is a
 * document, and any other action is "Tool executed successfully" plus a screenshot taken after it —
 * so the model sees what its action did. Failures (our HttpErrors: off-screen, unknown key, X tool
 * errors) are is_error results with the message, never thrown: the model may correct itself.
 */
export async function runComputerTool(
  deps: ActionDeps,
  call: { id: string; name: string; input: unknown },
  signal: AbortSignal,
): Promise<ToolResult> {
  const result = (content: ContentBlock[], isError = false): ToolResult => ({
    type: "tool_result",
    tool_use_id: call.id,
    content,
    ...(isError ? { is_error: true } : {}),
  });
  const parsed = parseInput(call.name, call.input);
  if (!parsed.ok) return result([text(parsed.error)], true);
  const name = call.name.slice("computer_".length) as ActionName;
  const context = { source: "agent" as const, signal };
  // The agent sees the screen at full size, so the coordinates it reads are the ones it clicks.
  const input = name === "screenshot" ? { ...parsed.value, scale: 1 } : parsed.value;
  // isSensitive is accepted but not forwarded (B§3.3); the desktop never logs text anyway.
  const { isSensitive: _sensitive, ...fields } = input;
  const action = { action: name, ...fields } as ComputerAction;
  let answer: Awaited<ReturnType<Desktop["run"]>>;
  try {
    answer = await deps.desktop.run(action, context);
  } catch (error) {
    return result([text(`Error executing ${call.name} tool: ${(error as Error).message}`)], true);
  }
  if (name === "screenshot" && "image" in answer) return result([png(answer.image)]);
  if (name === "cursor_position" && "x" in answer) return result([text(`Cursor position: ${answer.x}, ${answer.y}`)]);
  if (name === "read_file" && "data" in answer) {
    const file = answer as { data: string; name: string; size: number; mediaType: string };
    return result([
      {
        type: "document",
        source: { type: "base64", media_type: file.mediaType, data: file.data },
        name: file.name,
        size: file.size,
      },
    ]);
  }
  if (READ_ONLY.has(name)) return result([text(JSON.stringify(answer))]);
  const content: ContentBlock[] = [
    text(name === "application" ? `Tool executed successfully: ${JSON.stringify(answer)}` : "Tool executed successfully"),
  ];
  await sleep(deps.screenshotDelayMs, signal);
  if (!signal.aborted) {
    try {
      const shot = await deps.desktop.run({ action: "screenshot", scale: 1 } as ComputerAction, context);
      if ("image" in shot) content.push(png(shot.image));
    } catch (error) {
      content.push(text(`(No screenshot after the action: ${(error as Error).message})`));
    }
  }
  return result(content);
}
