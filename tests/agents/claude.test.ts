import { describe, expect, it } from "vitest";
import {
  CLAUDE_AUTH_ERROR,
  claudeArgs,
  createClaudeAdapter,
  createClaudeParser,
  detectClaudeSetupError,
} from "../../src/agents/claude";
import { fixture, ofType, replay } from "./fixture";

describe("claudeArgs", () => {
  it("runs headless with stream-json, pre-approved tools and the prompt last after --", () => {
    expect(claudeArgs({ prompt: "-starts with a dash" })).toEqual([
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--permission-mode",
      "acceptEdits",
      "--allowedTools",
      "Bash,Edit,Write,MultiEdit,NotebookEdit,Read,Glob,Grep,LS,TodoWrite,WebFetch,WebSearch",
      "--",
      "-starts with a dash",
    ]);
  });

  it("resumes the session and picks the model when asked", () => {
    const args = claudeArgs({ prompt: "go on", resumeSessionId: "s-1", model: "claude-x", allowedTools: ["Bash"] });
    expect(args).toEqual(expect.arrayContaining(["--allowedTools", "Bash", "--resume", "s-1", "--model", "claude-x"]));
    expect(args.slice(-2)).toEqual(["--", "go on"]);
  });

  it("keeps the auto-updater off", () => {
    expect(createClaudeAdapter({ command: "claude" }).env?.()).toEqual({ DISABLE_AUTOUPDATER: "1" });
  });
});

describe("createClaudeParser on real Claude Code output", () => {
  it("turns a Bash + Write run into session, messages, tool calls with inputs and results, a file change and the result", () => {
    const events = replay(createClaudeParser(), "claude-stream.jsonl");
    const [session] = ofType(events, "session");
    expect(session).toMatchObject({ sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), model: expect.any(String) });

    const started = ofType(events, "tool_started");
    expect(started.map((e) => e.tool)).toEqual(["Bash", "Write"]);
    expect(started[0]?.input).toMatchObject({ command: "echo ran > ran.txt && ls" });
    const finished = ofType(events, "tool_finished");
    expect(finished.map((e) => [e.tool, e.isError])).toEqual([
      ["Bash", false],
      ["Write", false],
    ]);
    expect(finished.map((e) => e.callId)).toEqual(started.map((e) => e.callId));
    expect(ofType(events, "file_change")).toEqual([
      { type: "file_change", path: expect.stringMatching(/notes\.txt$/), kind: "add", callId: started[1]?.callId },
    ]);
    expect(ofType(events, "message").map((e) => e.text)).toEqual(["Running a command.", "All done."]);

    const [result] = ofType(events, "result");
    expect(result).toMatchObject({
      isError: false,
      text: "All done.",
      sessionId: session?.sessionId,
      costUsd: expect.any(Number),
    });
    expect(result?.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(events.at(-1)?.type).toBe("result");
  });

  it("reads a resumed run: same session id, one answer", () => {
    const events = replay(createClaudeParser(), "claude-resume.jsonl");
    const first = replay(createClaudeParser(), "claude-stream.jsonl");
    expect(ofType(events, "session")[0]?.sessionId).toBe(ofType(first, "session")[0]?.sessionId);
    expect(ofType(events, "result")[0]).toMatchObject({ isError: false, text: "follow-up answered; saw 2 earlier tool results" });
  });

  it("marks refused tool calls as errors without a file change", () => {
    const events = replay(createClaudeParser(), "claude-denied.jsonl");
    expect(ofType(events, "tool_finished").every((e) => e.isError)).toBe(true);
    expect(ofType(events, "file_change")).toEqual([]);
  });

  it("reports a missing key (answered on stdout) as a clear setup error", () => {
    const events = replay(createClaudeParser(), "claude-nokey.jsonl");
    expect(ofType(events, "result")[0]).toMatchObject({ isError: true, text: CLAUDE_AUTH_ERROR });
    expect(detectClaudeSetupError("Invalid API key · Please run /login")).toBe(CLAUDE_AUTH_ERROR);
    expect(detectClaudeSetupError("")).toBeUndefined();
  });

  it("never throws on noise", () => {
    const parser = createClaudeParser();
    expect(parser.push("not json")).toEqual([{ type: "status", status: "unparsed_output", detail: "not json" }]);
    expect(parser.push('{"type":"assistant","message":{"content":"weird"}}')).toEqual([]);
    expect(parser.push("")).toEqual([]);
  });

  it("is read from the fixture verbatim (no hand edits)", () => {
    expect(fixture("claude-stream.jsonl")).toContain('"claude_code_version":"2.1.197"');
  });
});
