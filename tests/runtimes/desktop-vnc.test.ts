import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectViewer, type RfbViewer, viewerRefusal } from "../support/rfb-client";
import { FAKE_AGENT, postJson, RUNTIMES, type ServerProcess, startServerProcess, waitFor } from "../support/server-process";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";

const TOKEN = "desktop-vnc-token";
const auth = { Authorization: `Bearer ${TOKEN}` };

/** x11vnc processes running on `display` (found through /proc, by their command line). */
function x11vncOn(display: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        return argv[0]?.endsWith("x11vnc") && argv[argv.indexOf("-display") + 1] === display;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * The live desktop view's relay (GET /desktop/vnc → x11vnc) against the real server process on
 * each runtime (Node: `ws` on the upgrade event; Bun: Bun.serve's WebSockets), a real Xvfb and a
 * real x11vnc, with an RFB client speaking what noVNC speaks.
 */
describe.each(RUNTIMES)("the live desktop relay on %s", (runtime) => {
  let x: TestDisplay;
  let dir: string;
  let server: ServerProcess;
  const viewers: RfbViewer[] = [];
  const url = (query = `?token=${TOKEN}`) => `ws://127.0.0.1:${server.port}/desktop/vnc${query}`;
  const open = async (query?: string) => {
    const viewer = await connectViewer(url(query));
    viewers.push(viewer);
    return viewer;
  };
  const mouse = async () => {
    const out = await x.run("xdotool", ["getmouselocation", "--shell"]);
    return { x: Number(/X=(\d+)/.exec(out)?.[1]), y: Number(/Y=(\d+)/.exec(out)?.[1]) };
  };
  /** Sends a full update request and reads the update's header: everything sent before has been handled in order. */
  const roundTrip = async (viewer: RfbViewer) => {
    viewer.requestUpdate(false);
    const header = await viewer.read(1);
    return header[0];
  };
  const status = async () =>
    (await (await fetch(`${server.url}/desktop/status`, { headers: auth })).json()) as Record<string, any>;
  const createHeldTask = async () => {
    // Scheduled far ahead, so it stays PENDING and no driver picks it up; takeover gives it to the user.
    const created = await postJson(
      `${server.url}/tasks`,
      { description: "Draw on the desktop", kind: "desktop", scheduledFor: "2099-01-01T00:00:00Z" },
      auth,
    );
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  beforeAll(async () => {
    x = await startTestDisplay({ width: 800, height: 600 });
    dir = mkdtempSync(join(tmpdir(), "cursor-runner-vnc-"));
    server = await startServerProcess(
      {
        DATABASE_URL: `file:${join(dir, "runner.db")}`,
        REPOSITORIES_PATH: join(dir, "repositories"),
        CURSOR_CLI_PATH: FAKE_AGENT,
        RUNNER_API_TOKENS: TOKEN,
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        DESKTOP_ENABLED: "true",
        DISPLAY: x.display,
        DESKTOP_FILES_ROOT: join(dir, "files"),
        DESKTOP_VNC_MAX_VIEWERS: "2",
      },
      { runtime },
    );
  });
  afterAll(async () => {
    await Promise.all(viewers.map((viewer) => viewer.close().catch(() => {})));
    await server?.stop();
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("says the live view is available (starting x11vnc on demand, on 127.0.0.1 only); the status needs the token", async () => {
    expect(x11vncOn(x.display)).toEqual([]);
    expect((await fetch(`${server.url}/desktop/status`)).status).toBe(401);
    const body = await status();
    expect(body.desktop).toMatchObject({ enabled: true, available: true, width: 800, height: 600 });
    expect(body.vnc).toEqual({ available: true, source: "x11vnc", viewers: 0, maxViewers: 2, path: "/desktop/vnc" });
    expect(body.screenshot).toBe("/computer-use/screenshot");
    const [pid] = x11vncOn(x.display);
    expect(pid).toBeGreaterThan(0);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(argv).toContain("-localhost");
    // The password is in no argument (and its file is gone once read).
    const passwdfile = argv[argv.indexOf("-passwdfile") + 1] ?? "";
    expect(passwdfile).toMatch(/^rm:/);
    await waitFor(() => {
      try {
        readFileSync(passwdfile.slice(3));
        return false;
      } catch {
        return true;
      }
    });
  });

  it("refuses a missing or wrong token, a malformed taskId and an unknown task as plain HTTP; plain GET is 426", async () => {
    expect((await viewerRefusal(url(""))).status).toBe(401);
    expect(await viewerRefusal(url("?token=wrong"))).toEqual({ status: 401, body: '{"success":false,"error":"Unauthorized"}' });
    expect((await viewerRefusal(url(""), { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const malformed = await viewerRefusal(url(`?token=${TOKEN}&taskId=nope`));
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error).toBe("taskId must be a UUID as returned by POST /tasks");
    const unknown = await viewerRefusal(url(`?token=${TOKEN}&taskId=00000000-0000-4000-8000-000000000000`));
    expect(unknown.status).toBe(404);
    const plain = await fetch(`${server.url}/desktop/vnc`, { headers: auth });
    expect(plain.status).toBe(426);
    expect((await plain.json()).error).toMatch(/WebSocket only/);
  });

  it("relays the display to a viewer with the token in the header or the query, view-only without a task", async () => {
    const viewer = await open();
    expect([viewer.width, viewer.height]).toEqual([800, 600]);
    expect(viewer.name.length).toBeGreaterThan(0);
    const headerViewer = await connectViewer(url(""), { headers: auth });
    expect([headerViewer.width, headerViewer.height]).toEqual([800, 600]);
    await headerViewer.close();

    await x.run("xdotool", ["mousemove", "10", "10"]);
    viewer.pointer(300, 200, 0);
    // A FramebufferUpdate (type 0) comes back after the pointer event was (not) handled, in order.
    expect(await roundTrip(viewer)).toBe(0);
    expect(await mouse()).toEqual({ x: 10, y: 10 });
    await viewer.close();
  });

  it("relays input for a task under USER control, view-only under ASSISTANT, and ends control when it goes back (4403)", async () => {
    const id = await createHeldTask();
    // The assistant's: watching only.
    const watcher = await open(`?token=${TOKEN}&taskId=${id}`);
    await x.run("xdotool", ["mousemove", "20", "20"]);
    watcher.pointer(400, 300);
    expect(await roundTrip(watcher)).toBe(0);
    expect(await mouse()).toEqual({ x: 20, y: 20 });
    await watcher.close();

    expect((await postJson(`${server.url}/tasks/${id}/takeover`, {}, auth)).status).toBe(200);
    const driver = await open(`?token=${TOKEN}&taskId=${id}`);
    driver.pointer(321, 123);
    await waitFor(
      async () => {
        const at = await mouse();
        return at.x === 321 && at.y === 123;
      },
      { what: "the pointer to move to (321, 123)" },
    );

    expect((await postJson(`${server.url}/tasks/${id}/resume`, {}, auth)).status).toBe(200);
    // The very next input after control went back is refused, and the viewer is ended.
    driver.pointer(5, 5);
    const closed = await driver.closed;
    expect(closed).toEqual({ code: 4403, reason: "The task is no longer under your control; reconnect to watch" });
    expect(await mouse()).not.toEqual({ x: 5, y: 5 });
  });

  it("ends a viewer that sends a message the relay cannot frame (1002), and goes on serving others", async () => {
    const viewer = await open();
    viewer.ws.send(new Uint8Array([99, 1, 2, 3]));
    expect(await viewer.closed).toEqual({ code: 1002, reason: "Unknown RFB client message type 99" });
    await waitFor(async () => (await status()).vnc.viewers === 0, { what: "the place to be given back" });
    const next = await open();
    expect(await roundTrip(next)).toBe(0);
    await next.close();
  });

  it("lets at most DESKTOP_VNC_MAX_VIEWERS watch at once; one leaving makes room", async () => {
    const first = await open();
    const second = await open();
    expect((await status()).vnc.viewers).toBe(2);
    const third = await viewerRefusal(url());
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body).error).toMatch(/Too many live-desktop viewers \(DESKTOP_VNC_MAX_VIEWERS=2\)/);
    await first.close();
    await waitFor(async () => (await status()).vnc.viewers === 1, { what: "the place to be given back" });
    const fourth = await open();
    expect(fourth.width).toBe(800);
    await fourth.close();
    await second.close();
  });

  it("says goodbye (1001) to viewers on shutdown and stops x11vnc", async () => {
    const viewer = await open();
    expect(x11vncOn(x.display).length).toBe(1);
    const code = await server.stop();
    expect(code).toBe(0);
    expect((await viewer.closed).code).toBe(1001);
    await waitFor(() => x11vncOn(x.display).length === 0, { what: "x11vnc to exit" });
  });
});

/** DESKTOP_VNC_URL: a VNC server the runner did not start (here an x11vnc with a known password). */
describe("the live desktop relay to an existing VNC server (DESKTOP_VNC_URL, DESKTOP_VNC_PASSWORD)", () => {
  let x: TestDisplay;
  let dir: string;
  let vncPort: number;
  const servers: ServerProcess[] = [];
  const start = async (password: string) => {
    const server = await startServerProcess({
      DATABASE_URL: `file:${join(dir, `runner-${servers.length}.db`)}`,
      REPOSITORIES_PATH: join(dir, "repositories"),
      CURSOR_CLI_PATH: FAKE_AGENT,
      RUNNER_API_TOKENS: TOKEN,
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
      DESKTOP_VNC_URL: `vnc://127.0.0.1:${vncPort}`,
      DESKTOP_VNC_PASSWORD: password,
    });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    x = await startTestDisplay({ width: 640, height: 480 });
    dir = mkdtempSync(join(tmpdir(), "cursor-runner-vnc-external-"));
    writeFileSync(join(dir, "passwd"), "Extern4l\n", { mode: 0o600 });
    const vnc = x.client("x11vnc", [
      "-display",
      x.display,
      "-localhost",
      "-autoport",
      "5950",
      "-passwdfile",
      join(dir, "passwd"),
      "-shared",
      "-forever",
      "-norc",
    ]);
    const port = await waitFor(() => /PORT=(\d+)/.exec(vnc.output())?.[1], { what: "x11vnc to listen" });
    vncPort = Number(port);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await x?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with the configured password (the relay's own VNC authentication) and relays the display", async () => {
    const server = await start("Extern4l");
    const status = await (await fetch(`${server.url}/desktop/status`, { headers: auth })).json();
    expect(status.vnc).toMatchObject({ available: true, source: "external" });
    // Computer use itself is off here: the live view does not depend on it.
    expect(status.desktop.enabled).toBe(false);
    const viewer = await connectViewer(`ws://127.0.0.1:${server.port}/desktop/vnc?token=${TOKEN}`);
    expect([viewer.width, viewer.height]).toEqual([640, 480]);
    await viewer.close();
  });

  it("closes the viewer with the server's refusal when the password is wrong (4503)", async () => {
    const server = await start("wrongpwd");
    const failed = await connectViewer(`ws://127.0.0.1:${server.port}/desktop/vnc?token=${TOKEN}`).then(
      () => "connected",
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/^closed 4503 The VNC server refused the relay's password/);
  });
});
