// Node-only (test support): the computer-use suite, run against the local executor and through a real sidecar.
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait";
import { startTestDisplay, type TestDisplay, type XClient } from "../support/xvfb";
import { buttonEvents, keyEvents, parseXev } from "./xev";

export interface DesktopTarget {
  /** POST /computer-use with a JSON body. */
  post(body: unknown, init?: { signal?: AbortSignal }): Promise<{ status: number; body: Record<string, any> }>;
  /** GET a path (with auth, if any). */
  get(path: string): Promise<Response>;
  /** DESKTOP_FILES_ROOT of the target (created by the setup). */
  filesRoot: string;
  /** A directory outside the files root, for traversal attempts. */
  outside: string;
  stop(): Promise<void>;
}

/** The environment every target runs the desktop with (the test display, xterm as the "terminal" app). */
export function desktopEnv(x: TestDisplay, filesRoot: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    DESKTOP_ENABLED: "true",
    DISPLAY: x.display,
    DESKTOP_FILES_ROOT: filesRoot,
    DESKTOP_MAX_FILE_BYTES: String(64 * 1024),
    // xterm pastes the CLIPBOARD with Shift+Insert when selectToClipboard is on (below).
    DESKTOP_PASTE_KEYS: "shift+Insert",
    DESKTOP_APPLICATIONS: JSON.stringify({
      terminal: { command: ["xterm", "-class", "AppTerm", "-T", "app-terminal"], wmClass: "AppTerm" },
    }),
  };
}

const UTF8 = { LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };

interface Window {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  center: { x: number; y: number };
  client: XClient;
}

/** Starts an X client and waits for its window (found by its exact name). */
async function openWindow(x: TestDisplay, name: string, command: string, args: string[], env = UTF8): Promise<Window> {
  const client = x.client(command, args, env);
  const id = await waitFor(
    async () => {
      const found = await x.run("xdotool", ["search", "--onlyvisible", "--name", `^${name}$`]).catch(() => "");
      return found.trim().split("\n")[0];
    },
    { what: `window ${name}` },
  );
  // xwininfo's absolute position is the client window's own (openbox's frame is around it).
  const info = await x.run("xwininfo", ["-id", id]);
  const field = (label: string) => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(info)?.[1]);
  const [wx, wy, width, height] = [
    field("Absolute upper-left X"),
    field("Absolute upper-left Y"),
    field("Width"),
    field("Height"),
  ];
  return { id, x: wx, y: wy, width, height, center: { x: wx + Math.floor(width / 2), y: wy + Math.floor(height / 2) }, client };
}

/** An xterm whose shell command writes what is typed into it to `file`. */
const catInto = (x: TestDisplay, name: string, file: string, extra: string[] = []) =>
  openWindow(x, name, "xterm", [...extra, "-T", name, "-geometry", "100x20+20+20", "-e", "sh", "-c", 'exec cat > "$0"', file]);

const readIfThere = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

function pixel(png: PNG, px: number, py: number): [number, number, number] {
  const at = (png.width * py + px) * 4;
  return [png.data[at]!, png.data[at + 1]!, png.data[at + 2]!];
}

/** Text no US keymap can type directly: >19 distinct non-ASCII characters (more than the free keycodes), tabs, newlines. */
export const UNICODE_TEXT =
  "Grüße, naïve café — «quotes» ‘single’ “double”\n\tTabbed: 日本語のテキスト, 中文, 한국어\n" +
  "Emoji 😀🎉👍🏽, math ∑∫√≤≥≠∞, Greek αβγδεζηθ, Cyrillic жзийклмн\nASCII $`\"\\'{}[]<>|~^ end";

/**
 * The computer-use behaviour every target must show, on a real Xvfb + openbox with real xterm and
 * xev windows: typing read back from files and window titles, the clipboard, screenshots decoded
 * pixel by pixel, clicks/drags/scrolls/keys observed by xev, held keys released when a request is
 * aborted, files confined to the root, applications launched and raised.
 */
export function desktopSuite(label: string, setup: (x: TestDisplay, dir: string) => Promise<DesktopTarget>, dir: string) {
  describe(`computer use (${label})`, () => {
    let x: TestDisplay;
    let target: DesktopTarget;

    beforeAll(async () => {
      x = await startTestDisplay({ windowManager: true });
      target = await setup(x, dir);
    });
    afterAll(async () => {
      await target?.stop();
      await x?.stop();
    });

    const ok = async (body: Record<string, unknown>) => {
      const res = await target.post(body);
      expect(res, JSON.stringify(res.body)).toMatchObject({ status: 200 });
      return res.body;
    };

    it("types any Unicode text exactly: non-ASCII beyond the free keycodes, tabs and newlines round-trip byte for byte", async () => {
      const out = join(dir, "typed.txt");
      const window = await catInto(x, "unicode-probe", out);
      try {
        await ok({ action: "click_mouse", button: "left", coordinates: window.center });
        await ok({ action: "type_text", text: UNICODE_TEXT });
        // Ctrl+D twice: the unfinished last line, then end of file (cat exits).
        await ok({ action: "type_keys", keys: ["LeftControl", "D"] });
        await ok({ action: "type_keys", keys: ["ctrl", "d"] });
        await waitFor(() => readIfThere(out) === UNICODE_TEXT, { what: "the typed text in the file" }).catch(() => {
          expect(readIfThere(out)).toBe(UNICODE_TEXT);
        });
        expect(readFileSync(out)).toEqual(Buffer.from(UNICODE_TEXT, "utf8"));
      } finally {
        await window.client.stop();
      }
    });

    it("what is typed reaches the window: its title, set from the typed line, reads back", async () => {
      const window = await openWindow(x, "title-probe", "xterm", [
        "-T",
        "title-probe",
        "-e",
        "sh",
        "-c",
        'read t; printf "\\033]2;%s\\007" "$t"; sleep 60',
      ]);
      try {
        await ok({ action: "click_mouse", button: "left", coordinates: window.center });
        await ok({ action: "type_text", text: "typed-title-42\n", delay: 2 });
        const title = await waitFor(async () => {
          const name = (await x.run("xdotool", ["getwindowname", window.id])).trim();
          return name === "typed-title-42" && name;
        });
        expect(title).toBe("typed-title-42");
      } finally {
        await window.client.stop();
      }
    });

    it("paste_text puts the exact text on the clipboard and pastes it into the focused window", async () => {
      const out = join(dir, "pasted.txt");
      const text = "Pasted line one ✓\nzwei: 日本 😀\ttab\n";
      const window = await catInto(x, "paste-probe", out, ["-xrm", "XTerm*selectToClipboard: true"]);
      try {
        await ok({ action: "click_mouse", button: "left", coordinates: window.center });
        await ok({ action: "paste_text", text });
        expect(await x.run("xclip", ["-selection", "clipboard", "-out"])).toBe(text);
        await waitFor(() => readIfThere(out) === text, { what: "the pasted text in the file" }).catch(() => {
          expect(readIfThere(out)).toBe(text);
        });
        // A second paste replaces the clipboard's owner and content.
        await ok({ action: "paste_text", text: "second\n" });
        expect(await x.run("xclip", ["-selection", "clipboard", "-out"])).toBe("second\n");
      } finally {
        await window.client.stop();
      }
    });

    it("clicks, holdKeys, scrolls, drags, traces and key chords are seen by an X client (xev), in order", async () => {
      const xev = await openWindow(x, "desktop-xev", "xev", [
        "-name",
        "desktop-xev",
        "-geometry",
        "400x300+600+100",
        "-event",
        "mouse",
        "-event",
        "keyboard",
      ]);
      const at = (dx: number, dy: number) => ({ x: xev.x + dx, y: xev.y + dy });
      let seen = 0;
      /** Events since the previous call, once `until` holds for them. */
      const next = async (until: (events: ReturnType<typeof parseXev>) => boolean, what: string) => {
        const events = await waitFor(
          () => {
            const fresh = parseXev(xev.client.output().slice(seen));
            return until(fresh) && fresh;
          },
          { what },
        );
        seen = xev.client.output().length;
        return events;
      };
      try {
        await ok({ action: "click_mouse", button: "left", coordinates: at(10, 10) });
        await next((e) => e.some((ev) => ev.type === "ButtonRelease"), "the focusing click");

        await ok({ action: "click_mouse", button: "right", clickCount: 2, holdKeys: ["LeftShift"], coordinates: at(40, 50) });
        const clicks = buttonEvents(await next((e) => keyEvents(e).includes("-Shift_L"), "a double right click with Shift"));
        const presses = clicks.filter((e) => e.type === "ButtonPress");
        expect(presses).toHaveLength(2);
        for (const press of presses) expect(press).toMatchObject({ button: 3, x: 40, y: 50 });
        for (const press of presses) expect(press.state & 0x1).toBe(0x1); // Shift held

        await ok({ action: "scroll", direction: "down", scrollCount: 3, coordinates: at(100, 100) });
        await ok({ action: "scroll", direction: "left", scrollCount: 2 });
        const wheel = buttonEvents(
          await next((e) => e.filter((ev) => ev.type === "ButtonPress").length >= 5, "five wheel steps"),
        );
        expect(wheel.filter((e) => e.type === "ButtonPress").map((e) => e.button)).toEqual([5, 5, 5, 6, 6]);

        await ok({ action: "drag_mouse", button: "left", path: [at(20, 20), at(100, 60), at(200, 120)] });
        const drag = await next((e) => e.some((ev) => ev.type === "ButtonRelease"), "a drag");
        expect(drag.find((e) => e.type === "ButtonPress")).toMatchObject({ button: 1, x: 20, y: 20 });
        const dragged = drag.filter((e) => e.type === "MotionNotify" && (e.state & 0x100) !== 0).map((e) => [e.x, e.y]);
        expect(dragged).toEqual([
          [100, 60],
          [200, 120],
        ]);
        expect(drag.find((e) => e.type === "ButtonRelease")).toMatchObject({ button: 1, x: 200, y: 120 });

        await ok({ action: "trace_mouse", path: [at(30, 30), at(60, 40), at(90, 50)], holdKeys: ["ctrl"] });
        const trace = await next((e) => keyEvents(e).includes("-Control_L"), "a trace with Control held");
        const traced = trace.filter((e) => e.type === "MotionNotify" && (e.state & 0x4) !== 0).map((e) => [e.x, e.y]);
        expect(traced).toEqual([
          [60, 40],
          [90, 50],
        ]);

        await ok({ action: "type_keys", keys: ["LeftControl", "LeftShift", "A"] });
        const chord = keyEvents(await next((e) => keyEvents(e).includes("-Control_L"), "a chord"));
        expect(chord).toEqual(["+Control_L", "+Shift_L", "+A", "-A", "-Shift_L", "-Control_L"]);

        await ok({ action: "press_keys", keys: ["LeftAlt"], press: "down" });
        await ok({ action: "press_keys", keys: ["LeftAlt"], press: "up" });
        expect(keyEvents(await next((e) => keyEvents(e).includes("-Alt_L"), "Alt down and up"))).toEqual(["+Alt_L", "-Alt_L"]);

        await ok({ action: "press_mouse", button: "middle", press: "down", coordinates: at(150, 150) });
        await ok({ action: "press_mouse", button: "middle", press: "up" });
        const middle = buttonEvents(await next((e) => e.some((ev) => ev.type === "ButtonRelease"), "middle down and up"));
        expect(middle.map((e) => [e.type, e.button, e.x, e.y])).toEqual([
          ["ButtonPress", 2, 150, 150],
          ["ButtonRelease", 2, 150, 150],
        ]);

        await ok({ action: "move_mouse", coordinates: at(123, 77) });
        expect(await ok({ action: "cursor_position" })).toEqual(at(123, 77));
      } finally {
        await xev.client.stop();
      }
    });

    it("keys held for an action are released when its request is aborted mid-way", async () => {
      const xev = await openWindow(x, "abort-xev", "xev", [
        "-name",
        "abort-xev",
        "-geometry",
        "400x300+600+100",
        "-event",
        "mouse",
        "-event",
        "keyboard",
      ]);
      try {
        await ok({ action: "click_mouse", button: "left", coordinates: { x: xev.x + 5, y: xev.y + 5 } });
        // 300 points, 10 ms apart: three seconds of tracing with Shift held.
        const path = Array.from({ length: 300 }, (_, i) => ({ x: xev.x + 10 + (i % 300), y: xev.y + 100 }));
        const abort = new AbortController();
        const pending = target.post({ action: "trace_mouse", path, holdKeys: ["LeftShift"] }, { signal: abort.signal });
        await waitFor(() => keyEvents(parseXev(xev.client.output())).includes("+Shift_L"), { what: "Shift pressed" });
        abort.abort();
        const outcome = await pending.then(
          (res) => res.status,
          () => "aborted",
        );
        expect([409, "aborted"]).toContain(outcome);
        await waitFor(() => keyEvents(parseXev(xev.client.output())).includes("-Shift_L"), { what: "Shift released" });
        // Nothing is held any more: a plain click carries no modifier.
        const before = xev.client.output().length;
        await ok({ action: "click_mouse", button: "left", coordinates: { x: xev.x + 50, y: xev.y + 50 } });
        const click = await waitFor(() => parseXev(xev.client.output().slice(before)).find((e) => e.type === "ButtonPress"));
        expect(click.state & 0x1).toBe(0);
      } finally {
        await xev.client.stop();
      }
    });

    it("screenshot: a PNG whose pixels show known colours at known places, scaled on request, and raw image/png", async () => {
      await x.run("xsetroot", ["-solid", "#00c000"]);
      const window = await openWindow(x, "colour-probe", "xterm", [
        "-T",
        "colour-probe",
        "-bg",
        "#0000ff",
        "-geometry",
        "40x10+300+300",
      ]);
      try {
        const shot = await ok({ action: "screenshot" });
        const png = PNG.sync.read(Buffer.from(shot.image, "base64"));
        expect([png.width, png.height, shot.width, shot.height]).toEqual([1280, 800, 1280, 800]);
        expect(pixel(png, 1275, 795)).toEqual([0, 192, 0]); // the root window's colour, bottom right
        expect(pixel(png, window.center.x, window.center.y)).toEqual([0, 0, 255]); // inside the blue window

        const half = await ok({ action: "screenshot", scale: 0.5 });
        const small = PNG.sync.read(Buffer.from(half.image, "base64"));
        expect([small.width, small.height]).toEqual([640, 400]);
        expect(pixel(small, 637, 397)).toEqual([0, 192, 0]);

        const raw = await target.get("/computer-use/screenshot?scale=0.25");
        expect(raw.status).toBe(200);
        expect(raw.headers.get("content-type")).toBe("image/png");
        const quarter = PNG.sync.read(Buffer.from(await raw.arrayBuffer()));
        expect([quarter.width, quarter.height]).toEqual([320, 200]);
        expect(pixel(quarter, 2, 198)).toEqual([0, 192, 0]);
      } finally {
        await window.client.stop();
      }
    });

    it("write_file and read_file round-trip bytes inside the files root", async () => {
      const bytes = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));
      expect(await ok({ action: "write_file", path: "notes/deep/bytes.bin", data: bytes.toString("base64") })).toEqual({
        success: true,
        message: "File written successfully to: notes/deep/bytes.bin",
      });
      expect(readFileSync(join(target.filesRoot, "notes/deep/bytes.bin"))).toEqual(bytes);
      expect(await ok({ action: "read_file", path: join(target.filesRoot, "notes/deep/bytes.bin") })).toEqual({
        success: true,
        data: bytes.toString("base64"),
        name: "bytes.bin",
        size: 1024,
        mediaType: "application/octet-stream",
      });
      writeFileSync(join(target.filesRoot, "report.PDF"), "%PDF-1.4");
      expect(await ok({ action: "read_file", path: "report.PDF" })).toMatchObject({ mediaType: "application/pdf", size: 8 });
      // A name full of shell syntax is just a name: nothing is run.
      const tricky = '$(touch pwned) "; rm -rf x; `id`.txt';
      await ok({ action: "write_file", path: tricky, data: Buffer.from("safe").toString("base64") });
      expect(readFileSync(join(target.filesRoot, tricky), "utf8")).toBe("safe");
      expect(readIfThere(join(target.filesRoot, "pwned"))).toBeUndefined();
    });

    it("file actions refuse every path that leaves the root (.., absolute, symbolic links), cap sizes, name what is wrong", async () => {
      writeFileSync(join(target.outside, "secret.txt"), "top secret");
      symlinkSync(target.outside, join(target.filesRoot, "escape"));
      symlinkSync(join(target.outside, "secret.txt"), join(target.filesRoot, "secret-link.txt"));
      const data = Buffer.from("x").toString("base64");
      for (const path of [
        "../outside.txt",
        "notes/../../outside.txt",
        "/etc/passwd",
        join(target.outside, "secret.txt"),
        "escape/secret.txt",
        "secret-link.txt",
      ]) {
        const read = await target.post({ action: "read_file", path });
        expect(read, path).toMatchObject({ status: 403, body: { success: false } });
        expect(read.body.error).toContain("outside the desktop's files root");
        const write = await target.post({ action: "write_file", path, data });
        expect(write, path).toMatchObject({ status: 403 });
      }
      expect(readFileSync(join(target.outside, "secret.txt"), "utf8")).toBe("top secret");
      expect(lstatSync(join(target.filesRoot, "secret-link.txt")).isSymbolicLink()).toBe(true);

      const big = Buffer.alloc(64 * 1024 + 1).toString("base64");
      expect(await target.post({ action: "write_file", path: "big.bin", data: big })).toMatchObject({ status: 413 });
      writeFileSync(join(target.filesRoot, "big.bin"), Buffer.alloc(64 * 1024 + 1));
      expect(await target.post({ action: "read_file", path: "big.bin" })).toMatchObject({ status: 413 });
      expect(await target.post({ action: "read_file", path: "missing.txt" })).toMatchObject({
        status: 404,
        body: { error: "File not found: missing.txt" },
      });
      mkdirSync(join(target.filesRoot, "a-dir"), { recursive: true });
      expect(await target.post({ action: "read_file", path: "a-dir" })).toMatchObject({ status: 400 });
      expect(await target.post({ action: "read_file", path: "." })).toMatchObject({ status: 400 });
    });

    it("application launches a configured app, waits for its window, and raises it instead of launching twice", async () => {
      const first = await ok({ action: "application", application: "terminal" });
      expect(first).toMatchObject({ success: true, application: "terminal", state: "launched" });
      expect(first.window).toMatch(/^0x/);
      try {
        const second = await ok({ action: "application", application: "terminal" });
        expect(second).toMatchObject({ state: "activated", window: first.window });
        const windows = (await x.run("wmctrl", ["-l", "-x"])).split("\n").filter((line) => line.includes("AppTerm"));
        expect(windows).toHaveLength(1);
        const state = await x.run("xprop", ["-id", first.window, "_NET_WM_STATE"]);
        expect(state).toContain("_NET_WM_STATE_MAXIMIZED_VERT");
        expect(await ok({ action: "application", application: "desktop" })).toMatchObject({ state: "shown" });
        expect(await target.post({ action: "application", application: "solitaire" })).toMatchObject({
          status: 400,
          body: {
            error:
              "Unknown application: solitaire (configured: desktop, firefox, 1password, thunderbird, vscode, terminal, directory)",
          },
        });
      } finally {
        // The launched terminal belongs to no test process: end it by its window's pid.
        const pid = Number((await x.run("xdotool", ["getwindowpid", String(Number.parseInt(first.window, 16))])).trim());
        if (pid > 1) process.kill(pid, "SIGTERM");
      }
    });
  });
}
