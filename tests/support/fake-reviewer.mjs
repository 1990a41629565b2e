#!/usr/bin/env node
/**
 * A scripted review agent for iterate tests, speaking cursor-agent's CLI and stream-json protocol
 * (it stands in for REVIEW_AGENT_CLI_PATH). The runner builds the review prompt; this reviewer
 * ignores it and answers with the next reply from `.review-script.json` in its cwd (a JSON array
 * of strings: verdict JSON or any raw text), counting calls in `.review-count`; the last reply
 * repeats. Each prompt it received is kept as `.review-prompt-<n>.txt` for assertions.
 * Node built-ins only.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const argv = process.argv.slice(2);
if (argv.includes("--version")) {
  process.stdout.write("2025.11.25-fake-reviewer\n");
  process.exit(0);
}
const formatAt = argv.indexOf("--output-format");
const format = formatAt >= 0 ? argv[formatAt + 1] : "text";
const prompt = argv.at(-1) ?? "";

const count = existsSync(".review-count") ? Number(readFileSync(".review-count", "utf8")) + 1 : 1;
writeFileSync(".review-count", String(count));
writeFileSync(`.review-prompt-${count}.txt`, prompt);
const script = JSON.parse(readFileSync(".review-script.json", "utf8"));
const reply = script[Math.min(count, script.length) - 1];

if (format !== "stream-json") {
  process.stdout.write(`${reply}\n`);
  process.exit(0);
}
const sessionId = randomUUID();
const emit = (event) => process.stdout.write(`${JSON.stringify({ ...event, session_id: sessionId })}\n`);
emit({ type: "system", subtype: "init", cwd: process.cwd(), model: "Auto" });
emit({ type: "assistant", message: { role: "assistant", content: [{ type: "text", text: reply }] } });
emit({ type: "result", subtype: "success", is_error: false, duration_ms: 1, result: reply });
process.exit(0);
