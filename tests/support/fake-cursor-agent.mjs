#!/usr/bin/env node
/**
 * A fake `cursor-agent` for tests: real Cursor CLI argv and real stream-json protocol
 * (spec/agent-clis.md), doing real work in its cwd. Node built-ins only.
 *
 * argv: --model <m> --print|-p --force|-f [--approve-mcps] [--trust] [--workspace <dir>]
 *       [--stream-partial-output] [--output-format text|json|stream-json] [--resume <id>] [--] <prompt>
 *       --version prints a version and exits 0. Unknown options fail like the real CLI (exit 1).
 *       Without --print it refuses (it has no interactive mode). Default output format: text.
 *
 * stream-json lines: system/init {session_id, model, cwd} → user (the prompt) → thinking delta +
 * completed → one event group per directive → result {subtype, is_error, duration_ms, result, session_id}.
 * text mode prints only the assistant text. --resume <id> reuses that session id.
 *
 * The prompt is read line by line; a line starting with a directive word is acted on, others are
 * plain prompt text (ignored). Directives:
 *   SAY <text>              assistant message
 *   THINK <text>            thinking delta
 *   WRITE <path> <<content>>  writes the file (\n in content = newline), reported as writeToolCall
 *   READ <path>             reads a file, reported as readToolCall
 *   RUN <shell command>     runs it with /bin/sh -c in cwd, reported as shellToolCall
 *   STDERR <text>           writes a line to stderr
 *   SLEEP <ms>              waits
 *   FLOOD <bytes>           prints that many bytes ("x") of assistant text, in 64 KiB messages
 *   GRANDCHILD              spawns `sleep 1000` inheriting stdout/stderr (same process group), writes
 *                           its pid to ./grandchild.pid, reported as a shellToolCall
 *   IGNORE_SIGTERM          from here on SIGTERM is ignored (only SIGKILL ends it)
 *   EXIT <code>             exits at once with that code, without a result line
 *   ERROR_RESULT <text>     ends with a result of subtype "error", is_error true, and exit code 1
 *   HANG_AFTER_RESULT       never exits after the result line (cursor-agent's known defect)
 *   EXIT_AFTER_RESULT <code>  prints its (success) result line, then exits with that code
 * Checked before anything is printed:
 *   AUTH_FAIL               prints the real "Authentication required" message to stderr, exits 1
 *   SILENT_AFTER_FIRST      prints the init line (text mode: one line) and then nothing, forever
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const VERSION = "2025.11.25-fake";
const AUTH_MESSAGE =
  "Error: Authentication required. Please run 'cursor-agent login' first, or set CURSOR_API_KEY environment variable.";

function fail(message, code = 1) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

function parseArgv(argv) {
  const options = { model: undefined, print: false, force: false, format: "text", resume: undefined, prompt: undefined };
  const withValue = new Set(["--model", "--output-format", "--resume", "--workspace"]);
  const flags = new Set(["--print", "-p", "--force", "-f", "--approve-mcps", "--trust", "--stream-partial-output"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--version" || arg === "-v") {
      process.stdout.write(`${VERSION}\n`);
      process.exit(0);
    }
    if (arg === "--") {
      if (i + 2 !== argv.length) fail("expected exactly one prompt after --");
      options.prompt = argv[i + 1];
      break;
    }
    if (withValue.has(arg)) {
      const value = argv[++i];
      if (value === undefined) fail(`option '${arg} <value>' argument missing`);
      if (arg === "--model") options.model = value;
      if (arg === "--output-format") {
        if (!["text", "json", "stream-json"].includes(value)) fail(`invalid output format '${value}'`);
        options.format = value;
      }
      if (arg === "--resume") options.resume = value;
    } else if (flags.has(arg)) {
      if (arg === "--print" || arg === "-p") options.print = true;
      if (arg === "--force" || arg === "-f") options.force = true;
    } else if (arg.startsWith("-")) {
      fail(`unknown option '${arg}'`);
    } else {
      if (options.prompt !== undefined) fail(`too many arguments: the prompt must be one argv element (got '${arg}')`);
      options.prompt = arg;
    }
  }
  if (!options.print) fail("this fake cursor-agent supports only --print (headless) mode", 2);
  if (options.prompt === undefined) fail("no prompt given", 2);
  return options;
}

const options = parseArgv(process.argv.slice(2));
const json = options.format !== "text";
const stream = options.format === "stream-json";
const sessionId = options.resume ?? randomUUID();
const cwd = process.cwd();
const startedAt = Date.now();
const assistantTexts = [];
const directives = options.prompt.split("\n").map((line) => {
  const trimmed = line.trim();
  const space = trimmed.indexOf(" ");
  return space < 0 ? { word: trimmed, rest: "" } : { word: trimmed.slice(0, space), rest: trimmed.slice(space + 1) };
});
const KNOWN = new Set(["SAY", "THINK", "WRITE", "READ", "RUN", "STDERR", "SLEEP", "FLOOD", "GRANDCHILD"]);
for (const word of ["IGNORE_SIGTERM", "EXIT", "ERROR_RESULT", "HANG_AFTER_RESULT", "EXIT_AFTER_RESULT"]) KNOWN.add(word);
const has = (word) => directives.some((d) => d.word === word);

/** Lines go out synchronously (stdout is a pipe, blocking on Linux), so exit() never loses one. */
const emit = (event) => stream && process.stdout.write(`${JSON.stringify({ ...event, session_id: sessionId })}\n`);
const hangForever = () => setInterval(() => {}, 1 << 30);

function say(text) {
  assistantTexts.push(text);
  emit({ type: "assistant", message: { role: "assistant", content: [{ type: "text", text }] } });
  if (options.format === "text") process.stdout.write(`${text}\n`);
}

function toolCall(key, args, run) {
  const callId = `toolu_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
  emit({ type: "tool_call", subtype: "started", call_id: callId, tool_call: { [key]: { args } } });
  let result;
  try {
    result = { success: run() };
  } catch (error) {
    result = { error: { errorMessage: error.message } };
  }
  emit({ type: "tool_call", subtype: "completed", call_id: callId, tool_call: { [key]: { args, result } } });
}

function runShell(command) {
  toolCall("shellToolCall", { command }, () => {
    const out = spawnSync("/bin/sh", ["-c", command], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { command, exitCode: out.status ?? 1, stdout: out.stdout, stderr: out.stderr };
  });
}

function writeFile(rest) {
  const match = /^(\S+)\s+<<([\s\S]*)>>$/.exec(rest);
  if (!match) return say(`Cannot parse WRITE directive: ${rest}`);
  const [, path, raw] = match;
  const fileText = raw.replaceAll("\\n", "\n");
  toolCall("writeToolCall", { path, fileText }, () => {
    const target = resolve(cwd, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fileText);
    return { path, linesCreated: fileText.split("\n").length, fileSize: Buffer.byteLength(fileText) };
  });
}

function readFile(path) {
  toolCall("readToolCall", { path }, () => {
    const content = readFileSync(resolve(cwd, path), "utf8");
    return { content, isEmpty: content.length === 0, totalLines: content.split("\n").length, totalChars: content.length };
  });
}

function grandchild() {
  toolCall("shellToolCall", { command: "sleep 1000 &" }, () => {
    // Not detached: it stays in our process group and holds our stdout/stderr, like a dev server would.
    const child = spawn("sleep", ["1000"], { cwd, stdio: ["ignore", "inherit", "inherit"] });
    child.unref();
    writeFileSync(resolve(cwd, "grandchild.pid"), String(child.pid));
    return { command: "sleep 1000 &", exitCode: 0, stdout: "", stderr: "" };
  });
}

async function flood(bytes) {
  const piece = 64 * 1024;
  for (let left = bytes; left > 0; left -= piece) {
    const text = "x".repeat(Math.min(piece, left));
    if (stream) emit({ type: "assistant", message: { role: "assistant", content: [{ type: "text", text }] } });
    else if (!json) process.stdout.write(text);
    // Yield so signals and timers are handled between writes.
    await sleep(0);
  }
  if (!stream && !json) process.stdout.write("\n");
  if (json) assistantTexts.push(`[${bytes} bytes]`);
}

function finish({ isError = false, text = assistantTexts.join("") } = {}) {
  const result = {
    type: "result",
    subtype: isError ? "error" : "success",
    is_error: isError,
    duration_ms: Date.now() - startedAt,
    duration_api_ms: Date.now() - startedAt,
    result: text,
    session_id: sessionId,
    request_id: randomUUID(),
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main() {
  if (has("AUTH_FAIL")) {
    process.stderr.write(`${AUTH_MESSAGE}\n`);
    process.exit(1);
  }
  const model = !options.model || options.model === "auto" ? "Auto" : options.model;
  emit({ type: "system", subtype: "init", apiKeySource: "env", cwd, model, permissionMode: "default" });
  if (has("SILENT_AFTER_FIRST")) {
    if (options.format === "text") process.stdout.write("Working…\n");
    return hangForever();
  }
  emit({ type: "user", message: { role: "user", content: [{ type: "text", text: options.prompt }] } });
  emit({ type: "thinking", subtype: "delta", text: "Reading the request.", timestamp_ms: Date.now() });
  emit({ type: "thinking", subtype: "completed", timestamp_ms: Date.now() });

  let errorResult;
  for (const { word, rest } of directives) {
    if (word === "SAY") say(rest);
    else if (word === "THINK") emit({ type: "thinking", subtype: "delta", text: rest, timestamp_ms: Date.now() });
    else if (word === "WRITE") writeFile(rest);
    else if (word === "READ") readFile(rest);
    else if (word === "RUN") runShell(rest);
    else if (word === "STDERR") process.stderr.write(`${rest}\n`);
    else if (word === "SLEEP") await sleep(Number(rest));
    else if (word === "FLOOD") await flood(Number(rest));
    else if (word === "GRANDCHILD") grandchild();
    else if (word === "IGNORE_SIGTERM") process.on("SIGTERM", () => {});
    else if (word === "EXIT") process.exit(Number(rest));
    else if (word === "ERROR_RESULT") errorResult = rest;
  }
  if (!directives.some((d) => KNOWN.has(d.word))) say(`Received: ${options.prompt.split("\n")[0]}`);

  if (errorResult !== undefined) {
    finish({ isError: true, text: errorResult });
    process.exit(1);
  }
  finish();
  if (has("HANG_AFTER_RESULT")) return hangForever();
  const exitAfter = directives.find((d) => d.word === "EXIT_AFTER_RESULT");
  process.exit(exitAfter ? Number(exitAfter.rest) : 0);
}

main().catch((error) => fail(error.stack ?? String(error)));
