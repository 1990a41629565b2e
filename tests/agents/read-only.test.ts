import { describe, expect, it } from "vitest";
import { CLAUDE_READ_ONLY_TOOLS, claudeArgs } from "../../src/agents/claude";
import { codexArgs } from "../../src/agents/codex";
import { createCursorAdapter, cursorArgs } from "../../src/agents/cursor";

/** A reviewer (`readOnly`) must not be able to change the workspace it judges. */
describe("read-only runs", () => {
  it("cursor runs without --force (the flag that lets it edit files)", () => {
    expect(cursorArgs({ prompt: "judge", outputFormat: "stream-json" })).toContain("--force");
    expect(cursorArgs({ prompt: "judge", outputFormat: "stream-json", readOnly: true })).not.toContain("--force");
  });

  it("claude gets only read tools and no auto-accepted edits", () => {
    const args = claudeArgs({ prompt: "judge", readOnly: true, allowedTools: ["Bash", "Write"] });
    expect(args[args.indexOf("--allowedTools") + 1]).toBe(CLAUDE_READ_ONLY_TOOLS.join(","));
    expect(args[args.indexOf("--permission-mode") + 1]).toBe("default");
  });

  it("codex runs in its read-only sandbox whatever CODEX_SANDBOX says", () => {
    const args = codexArgs({ prompt: "judge", readOnly: true, sandbox: "danger-full-access" });
    expect(args[args.indexOf("--sandbox") + 1]).toBe("read-only");
  });

  it("the cursor adapter passes the run's own approveMcps and readOnly through", () => {
    const adapter = createCursorAdapter({ command: "cursor-agent", outputFormat: "stream-json" });
    const args = adapter.args({ prompt: "p", approveMcps: true, readOnly: true });
    expect(args).toContain("--approve-mcps");
    expect(args).not.toContain("--force");
  });
});
