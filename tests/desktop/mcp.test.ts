import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION_NAMES } from "../../src/desktop/actions";
import { type ServerProcess, startServerProcess } from "../support/server-process";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import { desktopEnv } from "./suite";

const TOKEN = "mcp-desk-token";

describe("/mcp/computer with the MCP SDK's own client, against the real server process", () => {
  const dir = mkdtempSync(join(tmpdir(), "desktop-mcp-"));
  let x: TestDisplay;
  let server: ServerProcess;
  const clients: Client[] = [];

  /** A connected SDK client (streamable HTTP), with the bearer token unless told otherwise. */
  const connect = async (token: string | undefined = TOKEN) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/computer`), {
      requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
    });
    const client = new Client({ name: "desktop-test", version: "1.0.0" });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    x = await startTestDisplay();
    const filesRoot = join(dir, "files");
    mkdirSync(filesRoot, { recursive: true });
    server = await startServerProcess({
      ...desktopEnv(x, filesRoot),
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      REPOSITORIES_PATH: join(dir, "repos"),
      RUNNER_API_TOKENS: TOKEN,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => {});
    await server?.stop();
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the 16 computer_* tools with their input schemas", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(ACTION_NAMES.map((name) => `computer_${name}`).sort());
    const click = tools.find((tool) => tool.name === "computer_click_mouse")!;
    expect(click.inputSchema).toMatchObject({
      type: "object",
      properties: { button: { enum: ["left", "right", "middle"] }, coordinates: { type: "object" } },
      required: expect.arrayContaining(["button"]),
    });
    expect(tools.find((tool) => tool.name === "computer_type_keys")!.description).toContain("LeftControl");
  });

  it("takes a screenshot (an MCP image), moves the pointer and reads its position back", async () => {
    const client = await connect();
    await x.run("xsetroot", ["-solid", "#ff8000"]);
    const shot = await client.callTool({ name: "computer_screenshot", arguments: { scale: 0.5 } });
    const [image] = shot.content as { type: string; data: string; mimeType: string }[];
    expect(image).toMatchObject({ type: "image", mimeType: "image/png" });
    const png = PNG.sync.read(Buffer.from(image!.data, "base64"));
    expect([png.width, png.height]).toEqual([640, 400]);
    expect([...png.data.subarray(0, 3)]).toEqual([255, 128, 0]);

    expect(await client.callTool({ name: "computer_move_mouse", arguments: { coordinates: { x: 321, y: 123 } } })).toMatchObject({
      content: [{ type: "text", text: '{"success":true}' }],
    });
    const position = await client.callTool({ name: "computer_cursor_position", arguments: {} });
    expect(JSON.parse((position.content as { text: string }[])[0]!.text)).toEqual({ x: 321, y: 123 });
  });

  it("reports a failing action as a tool error with the route's message, and bad arguments as errors", async () => {
    const client = await connect();
    const off = await client.callTool({
      name: "computer_click_mouse",
      arguments: { button: "left", coordinates: { x: 5000, y: 1 } },
    });
    expect(off.isError).toBe(true);
    expect((off.content as { text: string }[])[0]!.text).toMatch(
      /^computer_click_mouse failed: coordinates: \(5000, 1\) is off the screen/,
    );
    const wrong = await client.callTool({ name: "computer_type_keys", arguments: { keys: ["Hyperdrive"] } });
    expect(wrong.isError).toBe(true);
    expect((wrong.content as { text: string }[])[0]!.text).toContain("Unknown key 'Hyperdrive'");
    const file = await client.callTool({ name: "computer_write_file", arguments: { path: "mcp.txt", data: btoa("via mcp") } });
    expect(file.isError).toBeFalsy();
    const read = await client.callTool({ name: "computer_read_file", arguments: { path: "mcp.txt" } });
    expect(read.content).toEqual([
      { type: "resource", resource: { uri: "file://mcp.txt", mimeType: "text/plain", blob: btoa("via mcp") } },
    ]);
  });

  it("needs the bearer token (401 without it); GET and DELETE answer 405", async () => {
    await expect(connect("wrong-token")).rejects.toThrow(/401|Unauthorized/);
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch(`${server.url}/mcp/computer`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, Accept: "text/event-stream" },
      });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    }
  });
});
