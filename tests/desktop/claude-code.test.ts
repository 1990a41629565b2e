import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnthropicServer, startAnthropicServer } from "../support/anthropic-server";
import { type ServerProcess, startServerProcess } from "../support/server-process";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import { desktopEnv } from "./suite";

const ROOT = join(import.meta.dirname, "..", "..");
const CLAUDE = join(ROOT, "node_modules", ".bin", "claude");
const TOKEN = "claude-desk-token";

/** Runs `claude -p` to its end; resolves with its exit code and output. */
function runClaude(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(CLAUDE, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const toolResults = (request: { messages: { role: string; content: unknown }[] }) =>
  request.messages
    .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
    .filter((b: any) => b?.type === "tool_result") as any[];

describe("Claude Code (real CLI, scripted model) drives the desktop through /mcp/computer with --mcp-config", () => {
  const dir = mkdtempSync(join(tmpdir(), "desktop-claude-"));
  let x: TestDisplay;
  let server: ServerProcess;
  let model: AnthropicServer;

  beforeAll(async () => {
    x = await startTestDisplay();
    const filesRoot = join(dir, "files");
    mkdirSync(filesRoot, { recursive: true });
    mkdirSync(join(dir, "home"), { recursive: true });
    server = await startServerProcess({
      ...desktopEnv(x, filesRoot),
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      RUNNER_API_TOKENS: TOKEN,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    });
    // The scripted model: move the pointer, take a screenshot, then finish.
    model = await startAnthropicServer((_request, turn) => {
      if (turn === 0)
        return [{ toolUse: { name: "mcp__desktop__computer_move_mouse", input: { coordinates: { x: 222, y: 111 } } } }];
      if (turn === 1) return [{ toolUse: { name: "mcp__desktop__computer_screenshot", input: { scale: 0.25 } } }];
      return [{ text: "The desktop is empty." }];
    });
  }, 90_000);
  afterAll(async () => {
    await model?.close();
    await server?.stop();
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sees the computer_* tools, moves the real pointer and gets the screenshot back as an image", async () => {
    const config = join(dir, "desktop-mcp.json");
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          desktop: { type: "http", url: `${server.url}/mcp/computer`, headers: { Authorization: `Bearer ${TOKEN}` } },
        },
      }),
    );
    const { code, output } = await runClaude(
      [
        "-p",
        "Look at the desktop",
        "--output-format",
        "stream-json",
        "--verbose",
        "--mcp-config",
        config,
        "--strict-mcp-config",
        "--allowedTools",
        "mcp__desktop",
      ],
      {
        PATH: process.env.PATH ?? "",
        HOME: join(dir, "home"),
        ANTHROPIC_BASE_URL: model.url,
        ANTHROPIC_API_KEY: "sk-ant-scripted",
        DISABLE_AUTOUPDATER: "1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        // On a loaded machine the MCP handshake can be slow: without the server Claude Code would go on without its tools.
        MCP_TIMEOUT: "60000",
      },
      dir,
    );
    expect(code, output).toBe(0);
    const tools = model.requests[0]!.tools!.map((tool) => tool.name);
    expect(tools).toEqual(
      expect.arrayContaining([
        "mcp__desktop__computer_screenshot",
        "mcp__desktop__computer_click_mouse",
        "mcp__desktop__computer_type_text",
      ]),
    );
    expect(tools.filter((name) => name.startsWith("mcp__desktop__computer_"))).toHaveLength(16);

    // The pointer really moved on the X display.
    expect(await x.run("xdotool", ["getmouselocation", "--shell"])).toMatch(/^X=222\nY=111\n/);
    // The move's result, then the screenshot as an image block, went back to the model.
    const moved = toolResults(model.requests[1]!).at(-1)!;
    expect(JSON.stringify(moved.content)).toContain('{\\"success\\":true}');
    const shot = toolResults(model.requests[2]!).at(-1)!;
    const image = (shot.content as any[]).find((block) => block.type === "image");
    expect(image?.source).toMatchObject({ type: "base64", media_type: "image/png" });
    expect(Buffer.from(image.source.data, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(output).toContain("The desktop is empty.");
  }, 120_000);
});
