import { describe, expect, it } from "vitest";
import { CODEX_AUTH_ERROR, codexArgs, createCodexParser, detectCodexSetupError } from "../../src/agents/codex";
import { ofType, replay } from "./fixture";

describe("codexArgs", () => {
  it("runs `codex exec --json` in the workspace sandbox with the prompt last after --", () => {
    expect(codexArgs({ prompt: "-fix" })).toEqual([
      "exec",
      "--json",
      "--skip-git-repo-check",
      "--sandbox",
      "workspace-write",
      "--",
      "-fix",
    ]);
  });

  it("continues a thread with `exec resume <thread_id>` and passes the model", () => {
    expect(codexArgs({ prompt: "more", resumeSessionId: "t-1", model: "gpt-x", sandbox: "read-only" })).toEqual([
      "exec",
      "--json",
      "--skip-git-repo-check",
      "--sandbox",
      "read-only",
      "-m",
      "gpt-x",
      "resume",
      "t-1",
      "--",
      "more",
    ]);
  });
});

describe("createCodexParser on real Codex output", () => {
  it("turns a shell + apply_patch run into session, messages, tool calls, a file change and the result", () => {
    const events = replay(createCodexParser(), "codex-exec.jsonl");
    const [session] = ofType(events, "session");
    expect(session?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const started = ofType(events, "tool_started");
    expect(started.map((e) => e.tool)).toEqual(["command_execution", "file_change"]);
    expect(started[0]?.input).toEqual({ command: "/bin/bash -lc 'echo ran > ran.txt && ls'" });
    const finished = ofType(events, "tool_finished");
    expect(finished[0]).toMatchObject({ tool: "command_execution", output: "ran.txt\n", isError: false });
    expect(finished[1]).toMatchObject({ tool: "file_change", isError: false });
    expect(ofType(events, "file_change")).toEqual([
      { type: "file_change", path: expect.stringMatching(/notes\.txt$/), kind: "add", callId: "item_2" },
    ]);
    expect(ofType(events, "message").map((e) => e.text)).toEqual(["Running a command.", "All done."]);
    const [result] = ofType(events, "result");
    expect(result).toMatchObject({ isError: false, text: "All done.", sessionId: session?.sessionId });
    expect(result?.usage).toMatchObject({ input_tokens: 60, output_tokens: 24 });
    expect(events.at(-1)?.type).toBe("result");
  });

  it("reads a resumed thread: same thread id", () => {
    const first = ofType(replay(createCodexParser(), "codex-exec.jsonl"), "session")[0];
    const events = replay(createCodexParser(), "codex-resume.jsonl");
    expect(ofType(events, "session")[0]?.sessionId).toBe(first?.sessionId);
    expect(ofType(events, "result")[0]?.text).toBe("follow-up answered; saw 2 earlier tool outputs");
  });

  it("reports a missing provider key as a clear setup error", () => {
    const events = replay(createCodexParser(), "codex-nokey.jsonl");
    expect(ofType(events, "status")[0]).toMatchObject({ status: "agent_error" });
    const [result] = ofType(events, "result");
    expect(result?.isError).toBe(true);
    expect(result?.text).toContain(CODEX_AUTH_ERROR);
    expect(result?.text).toContain("LOCAL_KEY");
    expect(detectCodexSetupError("Error: Missing environment variable: `OPENAI_API_KEY`.")).toContain("OPENAI_API_KEY");
    expect(detectCodexSetupError("Reading additional input from stdin...")).toBeUndefined();
  });
});
