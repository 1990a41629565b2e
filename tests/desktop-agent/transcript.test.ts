// Stored messages → model messages: the repairs that keep a resumed conversation valid for every provider.
import { describe, expect, it } from "vitest";
import { INTERRUPTED_RESULT, keepNewestImages, OMITTED_IMAGE, toModelMessages } from "../../src/desktop-agent/transcript";
import type { ContentBlock, Role, TaskMessage } from "../../src/tasks/types";

let seq = 0;
const message = (role: Role, content: ContentBlock[]): TaskMessage => ({
  id: `m${++seq}`,
  taskId: "t",
  role,
  content,
  summaryId: null,
  deliveredAt: null,
  createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
  updatedAt: "",
});
const image: ContentBlock = { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } };

describe("toModelMessages", () => {
  it("gives each tool call its result right after it, screenshots in a user message after the results", () => {
    const out = toModelMessages([
      message("USER", [{ type: "text", text: "do it" }]),
      message("ASSISTANT", [
        { type: "text", text: "clicking" },
        { type: "tool_use", id: "c1", name: "computer_click_mouse", input: { button: "left" } },
      ]),
      message("USER", [
        { type: "tool_result", tool_use_id: "c1", content: [{ type: "text", text: "Tool executed successfully" }, image] },
      ]),
    ]);
    expect(out).toEqual([
      { role: "user", content: [{ type: "text", text: "do it" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "clicking" },
          { type: "tool-call", toolCallId: "c1", toolName: "computer_click_mouse", input: { button: "left" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "computer_click_mouse",
            output: { type: "text", value: "Tool executed successfully" },
          },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "Result of computer_click_mouse:" },
          { type: "image", image: "iVBORw0KGgo=", mediaType: "image/png" },
        ],
      },
    ]);
  });

  it("a call whose result was never stored (stopped or crashed mid-iteration) gets an 'interrupted' error result", () => {
    const out = toModelMessages([
      message("USER", [{ type: "text", text: "do it" }]),
      message("ASSISTANT", [
        { type: "tool_use", id: "c1", name: "computer_screenshot", input: {} },
        { type: "tool_use", id: "c2", name: "computer_type_text", input: { text: "x" } },
      ]),
      message("USER", [{ type: "tool_result", tool_use_id: "c1", content: [image] }]),
      message("ASSISTANT", [{ type: "text", text: "I need help to go on: stuck" }]),
    ]);
    expect(out[2]).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "c1",
          toolName: "computer_screenshot",
          output: { type: "text", value: "See the image below." },
        },
        {
          type: "tool-result",
          toolCallId: "c2",
          toolName: "computer_type_text",
          output: { type: "error-text", value: INTERRUPTED_RESULT },
        },
      ],
    });
    expect(out.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user", "assistant"]);
  });

  it("a user message stored between a call and its result follows the result; user actions become text and images", () => {
    const out = toModelMessages(
      [
        message("ASSISTANT", [{ type: "tool_use", id: "c1", name: "computer_wait", input: { duration: 5 } }]),
        message("USER", [{ type: "text", text: "hurry up" }]),
        message("USER", [{ type: "tool_result", tool_use_id: "c1", content: [{ type: "text", text: "ok" }], is_error: true }]),
        message("USER", [
          {
            type: "user_action",
            content: [{ type: "tool_use", id: "u1", name: "computer_click_mouse", input: { button: "left" } }, image],
          },
        ]),
      ],
      "what happened so far",
    );
    expect(out.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user", "user"]);
    expect(out[0]).toEqual({
      role: "user",
      content: [{ type: "text", text: "Summary of the work on this task so far:\nwhat happened so far" }],
    });
    expect(out[2]).toMatchObject({ content: [{ output: { type: "error-text", value: "ok" } }] });
    expect(out[3]).toEqual({ role: "user", content: [{ type: "text", text: "hurry up" }] });
    expect(out[4]).toEqual({
      role: "user",
      content: [
        { type: "text", text: 'User performed action: computer_click_mouse\n{\n  "button": "left"\n}' },
        { type: "image", image: "iVBORw0KGgo=", mediaType: "image/png" },
      ],
    });
  });

  it("sends only the newest screenshots (DESKTOP_AGENT_MAX_IMAGES), older ones as a short text; 0 keeps all", () => {
    const shot = (n: number): ContentBlock => ({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: `img${n}` },
    });
    const stored = [1, 2, 3, 4].flatMap((n) => [
      message("ASSISTANT", [{ type: "tool_use", id: `s${n}`, name: "computer_screenshot", input: {} }]),
      message("USER", [{ type: "tool_result", tool_use_id: `s${n}`, content: [shot(n)] }]),
    ]);
    const images = (messages: ReturnType<typeof toModelMessages>) =>
      messages
        .flatMap((m): any[] => (Array.isArray(m.content) ? m.content : []))
        .flatMap((p: any) => (p.type === "image" ? [p.image] : p.text === OMITTED_IMAGE ? ["omitted"] : []));
    expect(images(keepNewestImages(toModelMessages(stored), 2))).toEqual(["omitted", "omitted", "img3", "img4"]);
    expect(images(keepNewestImages(toModelMessages(stored), 0))).toEqual(["img1", "img2", "img3", "img4"]);
  });
});
