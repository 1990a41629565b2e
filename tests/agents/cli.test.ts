import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentCliPath, agentCliStatus, CLI_PATH_VARIABLES } from "../../src/agents/cli";
import { loadConfig } from "../../src/config";
import { nodeCliLookup } from "../../src/node/cli-status";

const bin = (name: string) => join(import.meta.dirname, "..", "..", "node_modules", ".bin", name);

describe("agent executables", () => {
  it("reads each agent's executable from its setting, with the CLI's usual name as default", () => {
    const config = loadConfig({ CODEX_CLI_PATH: "/opt/codex", DEFAULT_AGENT: "claude" }, { cwd: "/srv" });
    expect(agentCliPath(config, "claude")).toBe("claude");
    expect(agentCliPath(config, "codex")).toBe("/opt/codex");
    expect(agentCliPath(config, "cursor")).toBe("cursor-agent");
    expect(config.agents.default).toBe("claude");
    expect(() => loadConfig({ DEFAULT_AGENT: "aider" }, { cwd: "/srv" })).toThrow(/DEFAULT_AGENT expects one of cursor, claude/);
  });

  it("asks about the default agent when none is named", async () => {
    const config = loadConfig({ DEFAULT_AGENT: "gemini", GEMINI_CLI_PATH: bin("gemini") }, { cwd: "/srv" });
    const seen: string[] = [];
    const status = agentCliStatus(config, async (command, options) => {
      seen.push(`${command} ${options.variable}`);
      return { command, available: true };
    });
    await status();
    await status("codex");
    expect(seen).toEqual([`${bin("gemini")} ${CLI_PATH_VARIABLES.gemini}`, "codex CODEX_CLI_PATH"]);
  });

  it("shares and reuses a found CLI's version probe for a minute, and looks a missing one up again", async () => {
    const config = loadConfig({ CODEX_CLI_PATH: bin("codex") }, { cwd: "/srv" });
    let clock = 0;
    let probes = 0;
    let installed = false;
    const status = agentCliStatus(
      config,
      async (command, options) => {
        probes++;
        if (command !== bin("codex") && !installed) return { command, available: false, error: "missing" };
        return { command, available: true, ...(options.version ? { version: `v${probes}` } : {}) };
      },
      { now: () => clock },
    );
    // Concurrent callers share one probe; later ones within the minute reuse it.
    const first = await Promise.all([status("codex", { version: true }), status("codex", { version: true })]);
    expect(first.map((s) => s.version)).toEqual(["v1", "v1"]);
    clock = 59_999;
    expect((await status("codex", { version: true })).version).toBe("v1");
    clock = 60_000;
    expect((await status("codex", { version: true })).version).toBe("v2");
    // Plain lookups are never cached; a CLI that was not found is probed again next time.
    await status("codex");
    expect(probes).toBe(3);
    expect((await status("gemini", { version: true })).available).toBe(false);
    installed = true;
    expect(await status("gemini", { version: true })).toMatchObject({ available: true, version: "v5" });
  });

  it("finds the installed CLIs and reports the versions they print", async () => {
    const versions = await Promise.all(
      ["claude", "codex", "gemini", "opencode"].map(
        async (name) => (await nodeCliLookup(bin(name), { variable: "X", version: true })).version,
      ),
    );
    expect(versions).toEqual(["2.1.197 (Claude Code)", "codex-cli 0.169.0", "0.61.0", "1.18.33"]);
    expect(await nodeCliLookup(bin("claude"), { variable: "X" })).toEqual({
      command: bin("claude"),
      available: true,
      path: bin("claude"),
    });
    expect(await nodeCliLookup("no-such-agent-cli", { variable: "CLAUDE_CLI_PATH" })).toEqual({
      command: "no-such-agent-cli",
      available: false,
      error: "no-such-agent-cli was not found on PATH; set CLAUDE_CLI_PATH to its location",
    });
  });
});
