import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshot, watchProblems } from "../support/browser";
import { startUiServer, type UiServer } from "../support/ui-server";
import { openSignedIn, unlabelledControls } from "./helpers";

const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000 });

describe("the repositories and settings pages, in real Chromium", () => {
  let ui: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    // One after the other: the machine is shared, and a server starting under load needs its cores.
    ui = await startUiServer();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
  });
  afterEach(async () => {
    expect(problems).toEqual([]);
    await context?.close();
  });

  const open = async (hash: string, options: Parameters<typeof newContext>[1] = {}) => {
    context = await newContext(browser, options);
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    problems = watchProblems(page);
    await openSignedIn(page, ui.server.url, ui.token, hash);
  };

  it("lists repositories and shows one's git status and file tree", async () => {
    await open("#/repositories");
    const item = page.locator(".list-item").filter({ hasText: "demo" });
    await item.getByText("Uncommitted changes").waitFor();
    await item.getByText("main", { exact: true }).waitFor();
    await item.getByRole("link").click();

    await page.waitForURL(/#\/repositories\/demo$/);
    await page.getByRole("heading", { name: "demo", level: 1 }).waitFor();
    const status = page.getByRole("region", { name: "Git status" });
    await status.getByRole("row", { name: /notes\.txt\s+Untracked/ }).waitFor();
    await status.getByRole("row", { name: /README\.md\s+Modified/ }).waitFor();
    const files = page.getByRole("region", { name: "Files" });
    await files.getByText("src", { exact: true }).waitFor();
    await files.getByText("package.json").waitFor();
    // Folders open and close from the keyboard.
    const lib = files.locator("summary").filter({ hasText: /^lib$/ });
    expect(await files.getByText("math.ts").isVisible()).toBe(false);
    await lib.focus();
    await page.keyboard.press("Enter");
    await files.getByText("math.ts").waitFor();
    await lib.blur();
    await screenshot(page, "repository");
  });

  it("turns a system setting on and off, and lists the agents found with their versions", async () => {
    await open("#/settings");
    const agents = page.getByRole("region", { name: "Agents" });
    const cursor = agents.getByRole("row", { name: /^cursor/ });
    await cursor.getByText("Found").waitFor();
    await cursor.getByText("2025.11.25-fake").waitFor();
    await cursor.getByText("default").waitFor();
    await agents.getByRole("row", { name: /^codex/ }).waitFor();

    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel("New setting").fill("debug");
    await page.getByRole("button", { name: "Add (on)" }).click();
    const debug = page.getByRole("switch", { name: "debug" });
    await eventually(() => debug.getAttribute("aria-checked")).toBe("true");
    await debug.click();
    await eventually(() => debug.getAttribute("aria-checked")).toBe("false");
    const stored = await (
      await fetch(`${ui.server.url}/api/settings/debug`, { headers: { Authorization: `Bearer ${ui.token}` } })
    ).json();
    expect(stored.value).toBe(0);
    await page.getByRole("region", { name: "Execution queue" }).getByText("Free slots").waitFor();
    await screenshot(page, "settings");

    await page.getByLabel("New setting").fill("not a name!");
    await page.getByRole("button", { name: "Add (on)" }).click();
    await page
      .getByRole("alert")
      .getByText(/A setting name is 1–64 letters/)
      .waitFor();
  });

  it("switches between light and dark with the theme button, and remembers it", async () => {
    await open("#/settings");
    const toggle = page.getByRole("button", { name: /^Colour theme/ });
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await toggle.click(); // system → light
    const light = await background();
    await toggle.click(); // light → dark
    await eventually(background).not.toBe(light);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.reload();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.getByRole("region", { name: "Agents" }).getByText("Found").first().waitFor();
    await screenshot(page, "settings-dark");
  });
});
