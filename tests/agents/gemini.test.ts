import { describe, expect, it } from "vitest";
import { createGeminiParser, detectGeminiSetupError, GEMINI_AUTH_ERROR, geminiArgs } from "../../src/agents/gemini";
import { fixture, ofType, replay } from "./fixture";

describe("geminiArgs", () => {
  it("runs headless in yolo mode on a trusted workspace, the prompt as --prompt= so a dash stays a value", () => {
    expect(geminiArgs({ prompt: "-fix", model: "gemini-2.5-flash", resumeSessionId: "s-1" })).toEqual([
      "--output-format",
      "stream-json",
      "--approval-mode",
      "yolo",
      "--skip-trust",
      "-m",
      "gemini-2.5-flash",
      "--resume",
      "s-1",
      "--prompt=-fix",
    ]);
  });
});

describe("createGeminiParser on real Gemini CLI output", () => {
  it("turns a shell + write_file run into session, whole messages, tool calls, a file change and the result", () => {
    const events = replay(createGeminiParser(), "gemini-stream.jsonl");
    expect(ofType(events, "session")[0]).toMatchObject({
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      model: "gemini-2.5-flash",
    });
    expect(ofType(events, "tool_started").map((e) => [e.tool, e.input])).toEqual([
      ["run_shell_command", { command: "echo ran > ran.txt && ls", description: "write" }],
      ["write_file", { file_path: expect.stringMatching(/notes\.txt$/), content: "hello from gemini\n" }],
    ]);
    expect(ofType(events, "tool_finished").map((e) => [e.tool, e.output, e.isError])).toEqual([
      ["run_shell_command", "ran.txt", false],
      ["write_file", undefined, false],
    ]);
    expect(ofType(events, "file_change")).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/notes\.txt$/), kind: "add" }),
    ]);
    expect(ofType(events, "message").map((e) => [e.role, e.text])).toEqual([
      ["user", "do it"],
      ["assistant", "Running a command."],
      ["assistant", "All done."],
    ]);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "All done.", durationMs: expect.any(Number) });
    expect(events.at(-1)?.type).toBe("result");
  });

  it("keeps the session id on resume", () => {
    const events = replay(createGeminiParser(), "gemini-resume.jsonl");
    expect(ofType(events, "session")[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "follow-up; saw 4" });
  });

  it("reports an API error as an error result and a missing auth method as a setup error", () => {
    expect(ofType(replay(createGeminiParser(), "gemini-apierror.jsonl"), "result")[0]).toMatchObject({
      isError: true,
      text: "[API Error: nope]",
    });
    expect(detectGeminiSetupError(fixture("gemini-noauth.stderr"))).toBe(GEMINI_AUTH_ERROR);
    expect(detectGeminiSetupError("Ripgrep is not available. Falling back to GrepTool.")).toBeUndefined();
  });
});
