import { describe, expect, it } from "vitest";
import { createOpencodeAdapter, createOpencodeParser, OPENCODE_AUTH_ERROR, opencodeArgs } from "../../src/agents/opencode";
import { ofType, replay } from "./fixture";

describe("opencodeArgs", () => {
  it("runs `opencode run --format json --auto`, continuing a session with -s, prompt last after --", () => {
    expect(opencodeArgs({ prompt: "-fix", model: "local/scripted", resumeSessionId: "ses_1" })).toEqual([
      "run",
      "--format",
      "json",
      "--auto",
      "-m",
      "local/scripted",
      "-s",
      "ses_1",
      "--",
      "-fix",
    ]);
    expect(createOpencodeAdapter({ command: "opencode" }).env?.()).toEqual({ OPENCODE_DISABLE_AUTOUPDATE: "1" });
  });
});

describe("createOpencodeParser on real opencode output", () => {
  it("turns a bash + write run into session, messages, tool calls, a file change and one result with summed usage", () => {
    const events = replay(createOpencodeParser(), "opencode-run.jsonl");
    expect(ofType(events, "session")).toEqual([{ type: "session", sessionId: expect.stringMatching(/^ses_/) }]);
    expect(ofType(events, "tool_started").map((e) => e.tool)).toEqual(["bash", "write"]);
    expect(ofType(events, "tool_finished").map((e) => [e.tool, e.output, e.isError])).toEqual([
      ["bash", "ran.txt\n", false],
      ["write", "Wrote file successfully.", false],
    ]);
    expect(ofType(events, "file_change")).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/notes\.txt$/), kind: "add" }),
    ]);
    const results = ofType(events, "result");
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ isError: false, text: "All done.", costUsd: 0, usage: { input: 60, output: 24 } });
    expect(events.at(-1)?.type).toBe("result");
  });

  it("keeps the session id on resume", () => {
    const first = ofType(replay(createOpencodeParser(), "opencode-run.jsonl"), "session")[0];
    const events = replay(createOpencodeParser(), "opencode-resume.jsonl");
    expect(ofType(events, "session")[0]?.sessionId).toBe(first?.sessionId);
    expect(ofType(events, "result")[0]?.text).toBe("follow-up; saw 2");
  });

  it("turns an error event into an error result", () => {
    const [result] = ofType(replay(createOpencodeParser(), "opencode-badmodel.jsonl"), "result");
    expect(result).toMatchObject({ isError: true, text: "Unexpected server error. Check server logs for details." });
    const auth = createOpencodeParser().push('{"type":"error","error":{"name":"ProviderAuthError","data":{"message":"no key"}}}');
    expect(auth[0]).toMatchObject({ type: "result", isError: true, text: `${OPENCODE_AUTH_ERROR} (no key)` });
  });
});
