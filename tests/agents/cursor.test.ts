import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CURSOR_AUTH_ERROR,
  createCursorAdapter,
  createCursorParser,
  cursorArgs,
  detectCursorSetupError,
} from "../../src/agents/cursor";
import type { RunEventBody } from "../../src/agents/events";

const FAKE_AGENT = fileURLToPath(new URL("../support/fake-cursor-agent.mjs", import.meta.url));

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "cursor-agent-")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the fake cursor-agent for real and returns its exit status and output. */
function runAgent(args: string[]) {
  const out = spawnSync(FAKE_AGENT, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** Feeds stdout to a fresh parser line by line, as the run service does. */
function parse(stdout: string, outputFormat: "stream-json" | "text" = "stream-json"): RunEventBody[] {
  const parser = createCursorParser({ outputFormat });
  return stdout.split("\n").flatMap((line) => parser.push(line));
}

describe("cursorArgs", () => {
  it("builds the original command line plus an explicit output format, prompt last", () => {
    expect(cursorArgs({ prompt: "Fix the bug", outputFormat: "stream-json" })).toEqual([
      "--model",
      "auto",
      "--print",
      "--force",
      "--output-format",
      "stream-json",
      "Fix the bug",
    ]);
  });

  it("adds --approve-mcps, --resume and a model only when asked", () => {
    const args = cursorArgs({
      prompt: "line one\nline two",
      outputFormat: "text",
      approveMcps: true,
      resumeSessionId: "chat-1",
      model: "gpt-5",
    });
    expect(args).toEqual([
      "--model",
      "gpt-5",
      "--print",
      "--force",
      "--approve-mcps",
      "--output-format",
      "text",
      "--resume",
      "chat-1",
      "line one\nline two",
    ]);
  });

  it("ends option parsing before a prompt that starts with a dash", () => {
    expect(cursorArgs({ prompt: "--help me", outputFormat: "stream-json" }).slice(-2)).toEqual(["--", "--help me"]);
  });

  it("is accepted by the fake agent, which checks the argv like the real CLI", () => {
    expect(runAgent(cursorArgs({ prompt: "-x marks the spot", outputFormat: "text" }))).toMatchObject({
      status: 0,
      stdout: "Received: -x marks the spot\n",
    });
    expect(runAgent(["--print", "--bogus", "hi"]).status).toBe(1);
    expect(runAgent(["--version"]).stdout).toMatch(/^\d{4}\.\d{2}\.\d{2}/);
  });
});

describe("createCursorParser on real fake-agent output", () => {
  it("turns a stream-json run into normalized events", () => {
    const prompt = "SAY hello\nTHINK pondering\nWRITE src/a.txt <<one\\ntwo>>\nRUN echo hi; exit 3\nSAY bye";
    const run = runAgent(cursorArgs({ prompt, outputFormat: "stream-json" }));
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, "src/a.txt"), "utf8")).toBe("one\ntwo");

    const events = parse(run.stdout);
    const session = events[0];
    expect(session).toMatchObject({ type: "session", model: "Auto", cwd: dir });
    const sessionId = session?.type === "session" ? session.sessionId : "";
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    expect(events).toContainEqual({ type: "message", role: "user", text: prompt });
    expect(events).toContainEqual({ type: "thinking", text: "pondering" });
    expect(events.filter((e) => e.type === "message" && e.role === "assistant")).toEqual([
      { type: "message", role: "assistant", text: "hello" },
      { type: "message", role: "assistant", text: "bye" },
    ]);

    const tools = events.filter((e) => e.type === "tool_started" || e.type === "tool_finished");
    expect(tools).toMatchObject([
      { type: "tool_started", tool: "write", input: { path: "src/a.txt", fileText: "one\ntwo" } },
      { type: "tool_finished", tool: "write", isError: false, output: { path: "src/a.txt", linesCreated: 2 } },
      { type: "tool_started", tool: "shell", input: { command: "echo hi; exit 3" } },
      { type: "tool_finished", tool: "shell", isError: true, output: { exitCode: 3, stdout: "hi\n" } },
    ]);
    expect(tools[0]?.type === "tool_started" && tools[0].callId).toBe(tools[1]?.type === "tool_finished" && tools[1].callId);

    expect(events.at(-1)).toMatchObject({ type: "result", isError: false, text: "hellobye", sessionId });
    const result = events.at(-1);
    expect(result?.type === "result" && typeof result.durationMs).toBe("number");
  });

  it("keeps the session id when resuming", () => {
    const run = runAgent(cursorArgs({ prompt: "SAY again", outputFormat: "stream-json", resumeSessionId: "chat-42" }));
    const events = parse(run.stdout);
    expect(events[0]).toMatchObject({ type: "session", sessionId: "chat-42" });
    expect(events.at(-1)).toMatchObject({ type: "result", sessionId: "chat-42" });
  });

  it("reports an error result and a failed read", () => {
    const run = runAgent(cursorArgs({ prompt: "READ missing.txt\nERROR_RESULT could not finish", outputFormat: "stream-json" }));
    expect(run.status).toBe(1);
    const events = parse(run.stdout);
    expect(events).toContainEqual(expect.objectContaining({ type: "tool_finished", tool: "read", isError: true }));
    expect(events.at(-1)).toMatchObject({ type: "result", isError: true, text: "could not finish" });
  });

  it("reads text mode as assistant lines", () => {
    const run = runAgent(cursorArgs({ prompt: "SAY first\nRUN true\nSAY second", outputFormat: "text" }));
    expect(parse(run.stdout, "text")).toEqual([
      { type: "message", role: "assistant", text: "first" },
      { type: "message", role: "assistant", text: "second" },
    ]);
  });
});

describe("createCursorParser on odd input", () => {
  it("never throws and keeps stray output visible as a status", () => {
    const parser = createCursorParser();
    expect(parser.push("")).toEqual([]);
    expect(parser.push("Warning: something odd\r")).toEqual([
      { type: "status", status: "unparsed_output", detail: "Warning: something odd" },
    ]);
    expect(parser.push("[1,2]")).toMatchObject([{ type: "status", status: "unparsed_output" }]);
    expect(parser.push('{"type":"brand_new_event","x":1}')).toEqual([]);
    expect(parser.push('{"type":"tool_call","subtype":"started"}')).toEqual([
      { type: "tool_started", callId: "", tool: "unknown", input: undefined },
    ]);
    expect(parser.push('{"type":"assistant","message":null}')).toEqual([]);
    expect(parser.push('{"type":"result"}')).toEqual([{ type: "result", isError: false, text: "" }]);
    expect(parser.push(`{"type":"system","subtype":"init"}`)).toEqual([]);
    expect(parser.push("x".repeat(10_000))[0]).toMatchObject({ detail: "x".repeat(2000) });
  });

  it("names generic function payloads and treats error-keyed results as errors", () => {
    const parser = createCursorParser();
    const started = {
      type: "tool_call",
      subtype: "started",
      call_id: "c1",
      tool_call: { function: { name: "mcp_search", arguments: "{}" } },
    };
    expect(parser.push(JSON.stringify(started))).toEqual([
      { type: "tool_started", callId: "c1", tool: "mcp_search", input: "{}" },
    ]);
    const failed = {
      type: "tool_call",
      subtype: "completed",
      call_id: "c2",
      tool_call: { editToolCall: { args: { path: "a" }, result: { rejected: { reason: "denied" } } } },
    };
    expect(parser.push(JSON.stringify(failed))).toEqual([
      { type: "tool_finished", callId: "c2", tool: "edit", output: { reason: "denied" }, isError: true },
    ]);
  });
});

describe("detectCursorSetupError", () => {
  it("recognises the unauthenticated CLI from its real stderr", () => {
    const run = runAgent(cursorArgs({ prompt: "AUTH_FAIL", outputFormat: "stream-json" }));
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(detectCursorSetupError(run.stderr)).toBe(CURSOR_AUTH_ERROR);
    expect(CURSOR_AUTH_ERROR).toContain("CURSOR_API_KEY");
  });

  it("stays quiet on other stderr", () => {
    expect(detectCursorSetupError("")).toBeUndefined();
    expect(detectCursorSetupError("warning: slow network\n")).toBeUndefined();
  });
});

describe("createCursorAdapter", () => {
  it("wires argv, parser and setup errors for the run service", () => {
    const adapter = createCursorAdapter({ command: FAKE_AGENT, outputFormat: "stream-json" });
    expect(adapter).toMatchObject({ name: "cursor", command: FAKE_AGENT });
    expect(adapter.args({ prompt: "go", resumeSessionId: "s1" })).toEqual(
      cursorArgs({ prompt: "go", outputFormat: "stream-json", resumeSessionId: "s1" }),
    );
    expect(adapter.parser().push('{"type":"thinking","subtype":"delta","text":"hm"}')).toEqual([
      { type: "thinking", text: "hm" },
    ]);
    expect(adapter.setupError("Error: Authentication required.")).toBe(CURSOR_AUTH_ERROR);
  });
});
