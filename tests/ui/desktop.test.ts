import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshot, watchProblems } from "../support/browser";
import { postJson } from "../support/server-process";
import { startUiServer, type UiServer } from "../support/ui-server";
import { waitFor } from "../support/wait";
import { startTestDisplay, type TestDisplay } from "../support/xvfb";
import { openSignedIn, unlabelledControls } from "./helpers";

/** Waits for what the page shows to become what is expected (vitest's poll, with room for a busy machine). */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000 });

/** A rectangle of the display, in display pixels. */
interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The desktop view in real Chromium against the real server, a real Xvfb and a real x11vnc (started
 * by the server on demand): the canvas shows the display, a click changes it and the canvas follows,
 * control is the user's only for a task under USER control, and screenshots stand in without VNC.
 */
describe("the desktop view, in real Chromium, live over noVNC → the relay → x11vnc on a real Xvfb", () => {
  let x: TestDisplay;
  let ui: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const auth = () => ({ Authorization: `Bearer ${ui.token}` });
  const computer = async (body: Record<string, unknown>) => {
    const res = await postJson(`${ui.server.url}/computer-use`, body, auth());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const mouse = async () => {
    const out = await x.run("xdotool", ["getmouselocation", "--shell"]);
    return { x: Number(/X=(\d+)/.exec(out)?.[1]), y: Number(/Y=(\d+)/.exec(out)?.[1]) };
  };
  /** An xterm at (left, top) with `word` on its first line (double-clicking it selects it: reverse video). */
  const xterm = async (name: string, left: number, top: number, command: string) => {
    x.client("xterm", [
      "-T",
      name,
      "-bg",
      "white",
      "-fg",
      "black",
      "-geometry",
      `30x6+${left}+${top}`,
      "-e",
      "sh",
      "-c",
      command,
    ]);
    await waitFor(async () =>
      (await x.run("xdotool", ["search", "--onlyvisible", "--name", `^${name}$`]).catch(() => "")).trim(),
    );
  };
  /** A fingerprint of the pixels the page's canvas shows in `area` (display coordinates). */
  const pixels = (selector: string, area: Area) =>
    page.evaluate(
      ({ selector, area }) => {
        const canvas = document.querySelector<HTMLCanvasElement>(selector);
        if (!canvas || canvas.width === 0) return null;
        const data = canvas.getContext("2d")?.getImageData(area.x, area.y, area.width, area.height).data;
        if (!data) return null;
        let dark = 0;
        let light = 0;
        let hash = 0;
        for (let i = 0; i < data.length; i += 4) {
          // Not yet drawn is transparent black: counted as neither.
          if (data[i + 3] === 0) continue;
          if (data[i]! + data[i + 1]! + data[i + 2]! < 200) dark++;
          else if (data[i]! + data[i + 1]! + data[i + 2]! > 600) light++;
          hash = (hash * 31 + data[i]! + data[i + 1]! * 7 + data[i + 2]! * 13) >>> 0;
        }
        return { dark, light, hash, size: `${canvas.width}x${canvas.height}` };
      },
      { selector, area },
    );
  const LIVE_CANVAS = ".vnc-screen canvas";
  /** Waits until the canvas shows the xterm in `area`: mostly white, with some dark text. */
  const drawn = async (area: Area, minDark = 20) => {
    await eventually(async () => {
      const seen = await pixels(LIVE_CANVAS, area);
      return !!seen && seen.light > (area.width * area.height) / 2 && seen.dark >= minDark;
    }).toBe(true);
    return (await pixels(LIVE_CANVAS, area))!;
  };
  /** Where a display point is on the page (noVNC scales the display to fit its card). */
  const onPage = async (point: { x: number; y: number }) => {
    const box = await page.locator(LIVE_CANVAS).boundingBox();
    const width = await page.locator(LIVE_CANVAS).evaluate((canvas: HTMLCanvasElement) => canvas.width);
    if (!box) throw new Error("the canvas is not on the page");
    const scale = box.width / width;
    return { x: box.x + point.x * scale, y: box.y + point.y * scale };
  };
  const heldTask = async (description: string) => {
    // Scheduled far ahead: it stays PENDING, so no driver takes it and control is decided by takeover alone.
    const res = await postJson(
      `${ui.server.url}/tasks`,
      { description, kind: "desktop", scheduledFor: "2099-01-01T00:00:00Z" },
      auth(),
    );
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  // The words' places: xterm's default font is 6×13 pixels, text starts 2 pixels in.
  const CLICK_WORD: Area = { x: 302, y: 302, width: 60, height: 13 };
  const DRIVE_WORD: Area = { x: 302, y: 452, width: 60, height: 13 };
  const ECHO_LINE: Area = { x: 2, y: 2, width: 120, height: 13 };

  beforeAll(async () => {
    x = await startTestDisplay({ width: 800, height: 500 });
    // Typed keys go to the window under the pointer (no window manager): the echo window is at the top left.
    await xterm("echo-window", 0, 0, "exec cat");
    await xterm("click-window", 300, 300, "echo CLICKME; exec sleep 100000");
    await xterm("drive-window", 300, 450, "echo DRIVEME; exec sleep 100000");
    ui = await startUiServer({ env: { DESKTOP_ENABLED: "true", DISPLAY: x.display, DESKTOP_VNC_MAX_VIEWERS: "4" } });
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await x?.stop();
  });
  afterEach(async () => {
    expect(problems).toEqual([]);
    await context?.close();
  });

  const open = async (hash: string, options: Parameters<typeof newContext>[1] = {}) => {
    context = await newContext(browser, options);
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    problems = watchProblems(page);
    await openSignedIn(page, ui.server.url, ui.token, hash);
  };
  const liveState = () => page.locator(".vnc-state");

  it("shows the display live on a canvas, and the canvas follows when a click changes the display", {
    timeout: 90_000,
  }, async () => {
    await open("#/desktop");
    await page.getByRole("heading", { name: "Desktop", level: 1 }).waitFor();
    await eventually(() => liveState().textContent()).toBe("Live · view only");
    await page.getByRole("img", { name: "The desktop (view only)" }).waitFor();
    // The canvas has the display's size and shows the xterm's text (dark pixels on white).
    await eventually(async () => (await pixels(LIVE_CANVAS, CLICK_WORD))?.size).toBe("800x500");
    const before = await drawn(CLICK_WORD);
    expect(await page.locator(".page-meta").textContent()).toContain("800×500");
    await screenshot(page, "desktop");
    expect(await unlabelledControls(page)).toEqual([]);

    // A double click selects the word: xterm draws it in reverse video, so most of the area turns dark.
    await computer({ action: "click_mouse", coordinates: { x: 310, y: 308 }, button: "left", clickCount: 2 });
    await eventually(async () => (await pixels(LIVE_CANVAS, CLICK_WORD))?.dark ?? 0).toBeGreaterThan(before.dark * 2);
    expect((await pixels(LIVE_CANVAS, CLICK_WORD))?.hash).not.toBe(before.hash);
  });

  it("is view-only while the assistant has control: a click on the canvas does not reach the desktop", {
    timeout: 90_000,
  }, async () => {
    const id = await heldTask("Watch the desktop");
    await open(`#/tasks/${id}`);
    const panel = page.getByRole("region", { name: "Desktop" });
    await eventually(() => panel.locator(".vnc-state").textContent()).toBe("Live · view only");
    await panel.getByText("view only. Take over to use it yourself.", { exact: false }).waitFor();
    await x.run("xdotool", ["mousemove", "5", "5"]);
    const echoBefore = await drawn(ECHO_LINE, 0);
    const target = await onPage({ x: 600, y: 100 });
    await page.mouse.click(target.x, target.y);
    // Something that does change the display, after the click: typed text echoed at the top left.
    await computer({ action: "type_text", text: "echoed" });
    await eventually(async () => (await pixels(LIVE_CANVAS, ECHO_LINE))?.hash).not.toBe(echoBefore.hash);
    expect(await mouse()).toEqual({ x: 5, y: 5 });
    // And the server refuses input for the task too (POST /computer-use applies the same guard).
    const refused = await postJson(
      `${ui.server.url}/computer-use`,
      { action: "move_mouse", coordinates: { x: 9, y: 9 }, taskId: id },
      auth(),
    );
    expect(refused.status).toBe(409);
  });

  it("gives the user the desktop after a takeover: a double click on the canvas selects the word on the display", {
    timeout: 90_000,
  }, async () => {
    const id = await heldTask("Drive the desktop");
    await open(`#/tasks/${id}`);
    const panel = page.getByRole("region", { name: "Desktop" });
    await eventually(() => panel.locator(".vnc-state").textContent()).toBe("Live · view only");
    await page.getByRole("button", { name: "Take over" }).click();
    await eventually(() => panel.locator(".vnc-state").textContent()).toBe("Live · you have control: click it to type and point");
    await panel.getByRole("application", { name: /you have control/ }).waitFor();
    const before = await drawn(DRIVE_WORD);
    const target = await onPage({ x: 310, y: 458 });
    await page.mouse.dblclick(target.x, target.y);
    await eventually(async () => (await pixels(LIVE_CANVAS, DRIVE_WORD))?.dark ?? 0).toBeGreaterThan(before.dark * 2);
    const at = await mouse();
    expect(Math.abs(at.x - 310)).toBeLessThanOrEqual(2);
    expect(Math.abs(at.y - 458)).toBeLessThanOrEqual(2);
    await screenshot(page, "task-desktop");

    // Listed on the desktop page as the user's, where it can be driven too.
    await page.goto(`${ui.server.url}/#/desktop`);
    await page.getByRole("link", { name: new RegExp(`^${id.slice(0, 8)} Drive the desktop`) }).click();
    await eventually(() => liveState().textContent()).toBe("Live · you have control: click it to type and point");
  });

  it("refuses the relay to a wrong token, and the page in dark mode on a phone still shows the desktop", {
    timeout: 90_000,
  }, async () => {
    await open("#/desktop", { colorScheme: "dark", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await eventually(() => liveState().textContent()).toBe("Live · view only");
    const outcome = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/desktop/vnc?token=wrong`);
          ws.onopen = () => resolve("open");
          ws.onclose = (event) => resolve(`closed ${event.code}`);
        }),
    );
    expect(outcome).toBe("closed 1006");
    // Chromium reports the refused handshake (401) on the console: expected here.
    problems.splice(0, problems.length, ...problems.filter((problem) => !/WebSocket connection to .* failed/.test(problem)));
    const box = await page.locator(LIVE_CANVAS).boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    await screenshot(page, "desktop-dark-phone");
  });
});

describe("the desktop view without VNC (DESKTOP_VNC=off): screenshots polled instead", () => {
  let x: TestDisplay;
  let ui: UiServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    x = await startTestDisplay({ width: 640, height: 400 });
    x.client("xterm", [
      "-T",
      "shot-window",
      "-bg",
      "white",
      "-fg",
      "black",
      "-geometry",
      "30x6+100+100",
      "-e",
      "sh",
      "-c",
      "echo SHOTME; exec sleep 100000",
    ]);
    await waitFor(async () =>
      (await x.run("xdotool", ["search", "--onlyvisible", "--name", "^shot-window$"]).catch(() => "")).trim(),
    );
    ui = await startUiServer({ env: { DESKTOP_ENABLED: "true", DISPLAY: x.display, DESKTOP_VNC: "off" } });
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await x?.stop();
  });

  it("says why, draws the screenshots on a canvas and follows a change", { timeout: 90_000 }, async () => {
    const context = await newContext(browser);
    page = await context.newPage();
    const problems = watchProblems(page);
    await openSignedIn(page, ui.server.url, ui.token, "#/desktop");
    await eventually(() => page.locator(".vnc-state").textContent()).toBe("Screenshots every 2 s · view only");
    await page.getByText("The live desktop view is switched off (DESKTOP_VNC=off)", { exact: false }).waitFor();
    const word = { x: 102, y: 102, width: 60, height: 13 };
    const read = () =>
      page.evaluate((area) => {
        const canvas = document.querySelector<HTMLCanvasElement>(".vnc-screenshot");
        if (!canvas || canvas.width === 0) return null;
        const data = canvas.getContext("2d")!.getImageData(area.x, area.y, area.width, area.height).data;
        let dark = 0;
        let light = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          if (data[i]! + data[i + 1]! + data[i + 2]! < 200) dark++;
          else if (data[i]! + data[i + 1]! + data[i + 2]! > 600) light++;
        }
        return { dark, light, size: `${canvas.width}x${canvas.height}` };
      }, word);
    await eventually(async () => (await read())?.size).toBe("640x400");
    await eventually(async () => {
      const seen = await read();
      return !!seen && seen.light > (word.width * word.height) / 2 && seen.dark > 20;
    }).toBe(true);
    const before = (await read())!.dark;
    expect(await page.locator(".vnc-screen canvas").count()).toBe(0);
    await screenshot(page, "desktop-screenshots");
    const res = await postJson(
      `${ui.server.url}/computer-use`,
      { action: "click_mouse", coordinates: { x: 110, y: 108 }, button: "left", clickCount: 2 },
      { Authorization: `Bearer ${ui.token}` },
    );
    expect(res.status).toBe(200);
    await eventually(async () => (await read())?.dark ?? 0).toBeGreaterThan(before * 2);
    expect(problems).toEqual([]);
    await context.close();
  });
});
