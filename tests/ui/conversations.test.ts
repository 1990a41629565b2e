import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshot, watchProblems } from "../support/browser";
import { postJson } from "../support/server-process";
import { startUiServer, type UiServer } from "../support/ui-server";
import { openSignedIn, unlabelledControls } from "./helpers";

const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000 });

describe("the conversations page, in real Chromium: messages arrive live over the WebSocket", () => {
  let ui: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  /** Every URL the page requested, and every WebSocket it opened. */
  let requested: string[];
  const auth = () => ({ Authorization: `Bearer ${ui.token}` });

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

  const open = async (hash: string) => {
    context = await newContext(browser);
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    problems = watchProblems(page);
    requested = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("websocket", (socket) => requested.push(socket.url()));
    await openSignedIn(page, ui.server.url, ui.token, hash);
  };
  const messages = () => page.getByRole("region", { name: "Messages" }).getByRole("listitem");
  const liveState = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });

  it("creates a conversation, sends a message and sees the question and the agent's answer arrive live", async () => {
    await open("#/conversations");
    await page.getByRole("button", { name: "New conversation" }).click();
    await page.waitForURL(/#\/conversations\/[\w-]+$/);
    await liveState("Live").waitFor();
    await page.getByText("No messages yet. Say something below.").waitFor();

    const box = page.getByRole("textbox", { name: "Message", exact: true });
    expect(await unlabelledControls(page)).toEqual([]);
    await box.fill("SAY Hello from the agent");
    await box.press("Enter");
    // The question is recorded when its run starts, the answer when it ends: both come over the socket.
    await messages().filter({ hasText: "You" }).getByText("SAY Hello from the agent").waitFor();
    await messages().filter({ hasText: "Agent" }).getByText("Hello from the agent", { exact: true }).waitFor();
    await eventually(() => page.getByText("The agent is working on it…").count()).toBe(0);
    expect(await box.inputValue()).toBe("");

    // The token travels only in the WebSocket handshake URL, never in another URL.
    const withToken = requested.filter((url) => url.includes(ui.token));
    expect(withToken.length).toBeGreaterThan(0);
    for (const url of withToken) expect(new URL(url).pathname).toBe("/api/ws");
  });

  it("shows a message another client sends, without a reload", async () => {
    const created = await postJson(`${ui.server.url}/api/new`, {}, auth());
    const id = created.body.conversationId as string;
    await open(`#/conversations/${id}`);
    await liveState("Live").waitFor();
    await page.getByText("No messages yet. Say something below.").waitFor();

    const sent = await postJson(`${ui.server.url}/api/${id}/message`, { message: "SAY Sent from elsewhere" }, auth());
    expect(sent.status).toBe(200);
    await messages().filter({ hasText: "Agent" }).getByText("Sent from elsewhere", { exact: true }).waitFor();
    expect(await messages().count()).toBe(2);

    // Shift+Enter adds a line instead of sending.
    const box = page.getByRole("textbox", { name: "Message", exact: true });
    await box.fill("SAY First line");
    await box.press("Shift+Enter");
    await box.type("SAY Second line");
    expect(await box.inputValue()).toBe("SAY First line\nSAY Second line");
    await page.getByRole("button", { name: "Send" }).click();
    await messages().filter({ hasText: "Agent" }).getByText("First lineSecond line", { exact: true }).waitFor();
    await screenshot(page, "conversation");
  });

  it("lists conversations with their last message, newest first", async () => {
    await open("#/conversations");
    const items = page.locator(".list-item");
    await items.first().waitFor();
    await eventually(() => items.first().textContent()).toContain("First lineSecond line");
    expect(await items.count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, "conversations");
    await items.first().getByRole("link").click();
    await page.waitForURL(/#\/conversations\/[\w-]+$/);
    await liveState("Live").waitFor();
  });
});
