import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshot, watchProblems } from "../support/browser";
import { startReceiver } from "../support/receiver";
import { postJson } from "../support/server-process";
import { startUiServer, type UiServer } from "../support/ui-server";
import { waitFor } from "../support/wait";
import { openSignedIn, unlabelledControls } from "./helpers";

/** Waits for what the page shows to become what is expected (vitest's poll, with room for a busy machine). */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000 });

describe("the runs page, in real Chromium against the real server and the fake cursor agent", () => {
  let ui: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const auth = () => ({ Authorization: `Bearer ${ui.token}` });

  /** Starts a run through the API, as another client would. */
  const startRun = async (prompt: string, extra: Record<string, unknown> = {}) => {
    const res = await postJson(`${ui.server.url}/cursor/execute/async`, { prompt, repository: "demo", ...extra }, auth());
    expect(res.status).toBe(200);
    return res.body.runId as string;
  };
  const badge = () => page.locator(".page-header .badge");
  /** The live feed's state as the page announces it (a status region: "Live", "Reconnecting…", "Finished"). */
  const liveState = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });

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

  const open = async (hash = "#/runs", options: Parameters<typeof newContext>[1] = {}) => {
    context = await newContext(browser, options);
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    problems = watchProblems(page);
    await openSignedIn(page, ui.server.url, ui.token, hash);
  };

  it("starts a run from the form and shows its events streaming in while it runs, then its output", async () => {
    const gate = join(ui.dir, "go-ahead");
    await open();
    await page.getByRole("button", { name: "New run" }).click();
    await page
      .getByLabel("Prompt")
      .fill(`SAY Starting the work\nRUN while [ ! -f ${gate} ]; do sleep 0.05; done; echo gate-open\nSAY All done`);
    await page.getByLabel("Repository").selectOption("demo");
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole("button", { name: "Start run" }).click();

    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    const log = page.getByRole("log", { name: "Run events" });
    // The first message is on screen while the agent is still blocked on the gate: it streamed in.
    await log.getByText("Starting the work", { exact: true }).waitFor();
    await eventually(() => badge().textContent()).toBe("Running");
    await liveState("Live").waitFor();
    expect(await log.getByText("All done", { exact: true }).count()).toBe(0);
    await screenshot(page, "run-live");

    writeFileSync(gate, "");
    await log.getByText("All done", { exact: true }).waitFor();
    await eventually(() => badge().textContent()).toBe("Succeeded");
    await liveState("Finished").waitFor();
    // The shell tool call shows as one entry, finished, with its command.
    const tool = log.getByRole("listitem").filter({ hasText: /^.*Tool.*shell.*while \[ ! -f/ });
    await eventually(() => tool.locator("summary").textContent()).toMatch(/done$/);
    const output = page.getByRole("region", { name: "Output" });
    await output.getByText("Starting the workAll done").waitFor();
  });

  it("cancels a running run from its page", async () => {
    const runId = await startRun("SAY Waiting to be cancelled\nRUN sleep 30");
    await open(`#/runs/${runId}`);
    await page.getByRole("log", { name: "Run events" }).getByText("Waiting to be cancelled", { exact: true }).waitFor();
    await eventually(() => badge().textContent()).toBe("Running");

    await page.getByRole("button", { name: "Cancel run" }).click();
    await eventually(() => badge().textContent()).toBe("Cancelled");
    await page.getByRole("alert").filter({ hasText: "Cancelled: Run cancelled" }).waitFor();
    expect(await page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
    const run = await (await fetch(`${ui.server.url}/runs/${runId}`, { headers: auth() })).json();
    expect(run.status).toBe("cancelled");
  });

  it("lists recent runs newest first with their status, and filters them by status", async () => {
    const succeeded = await startRun("SAY This one succeeds");
    await waitFor(
      async () => (await (await fetch(`${ui.server.url}/runs/${succeeded}`, { headers: auth() })).json()).status === "succeeded",
    );
    const failed = await startRun("SAY This one fails\nEXIT 3");
    await waitFor(
      async () => (await (await fetch(`${ui.server.url}/runs/${failed}`, { headers: auth() })).json()).status === "failed",
    );
    await open("#/runs");
    const rows = page.locator(".runs-table tbody tr");
    await rows.first().waitFor();
    await eventually(() => rows.first().textContent()).toContain("This one fails");
    expect(await rows.first().locator(".badge").textContent()).toBe("Failed");
    await eventually(async () => (await rows.allTextContents()).some((text) => text.includes("Succeeded"))).toBe(true);
    await screenshot(page, "runs");

    await page.getByLabel("Status").selectOption("failed");
    await page.waitForURL(/status=failed/);
    // Rows vanish while the filtered page loads: wait for rows that are all failed.
    await eventually(async () => {
      const texts = await rows.allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes("Failed"));
    }).toBe(true);
  });

  it("looks right in dark mode and at phone width", async () => {
    await open("#/runs", { colorScheme: "dark" });
    await page.locator(".runs-table tbody tr").first().waitFor();
    await screenshot(page, "runs-dark");
    await context.close();

    await open("#/runs", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.locator(".runs-table tbody tr").first().waitFor();
    // Nothing overflows sideways at phone width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "runs-phone");
  });

  it("shows a run's callback delivery with its attempts, and redelivers it", async () => {
    const receiver = await startReceiver([200]);
    try {
      const runId = await startRun("SAY Report back when done", { callbackUrl: `${receiver.url}/hook` });
      await open(`#/runs/${runId}`);
      const deliveries = page.getByRole("region", { name: "Callback deliveries" });
      await deliveries.getByText("Delivered", { exact: true }).waitFor();
      await deliveries.getByText(`${receiver.url}/hook`).waitFor();
      expect(receiver.requests).toHaveLength(1);

      await deliveries.getByRole("button", { name: /Redeliver/ }).click();
      await waitFor(() => receiver.requests.length === 2, { what: "the redelivered callback" });
      await deliveries.getByText("Delivered", { exact: true }).waitFor();
      expect(receiver.requests[1]?.rawBody).toBe(receiver.requests[0]?.rawBody);
      await page.setViewportSize({ width: 1280, height: 1250 });
      await screenshot(page, "run-finished");
    } finally {
      await receiver.close();
    }
  });

  it("reconnects after the server restarts and resumes after the last event it had, without repeats", async () => {
    const runId = await startRun("SAY Before the restart\nRUN sleep 30");
    await open(`#/runs/${runId}`);
    const resumedFrom: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith(`/runs/${runId}/events`)) resumedFrom.push(request.headers()["last-event-id"] ?? "");
    });
    const log = page.getByRole("log", { name: "Run events" });
    await log.getByText("Before the restart", { exact: true }).waitFor();

    await ui.restart(); // SIGTERM ends the run as interrupted by shutdown; a new process takes the port
    await eventually(() => badge().textContent()).toBe("Failed");
    await liveState("Finished").waitFor();
    await log
      .getByText(/interrupted/)
      .first()
      .waitFor();
    // Every reconnect asked only for what came after the last event shown (Last-Event-ID).
    expect(resumedFrom.length).toBeGreaterThan(0);
    for (const id of resumedFrom) expect(Number(id)).toBeGreaterThan(0);
    // Replayed from after the last event it had: nothing shows twice.
    expect(await log.getByText("Before the restart", { exact: true }).count()).toBe(1);
    expect(await log.getByText(/^SAY Before the restart/).count()).toBe(1);
    // The page saw the server go away and come back; only those failed loads may be in the console.
    const expected = /ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/;
    problems.splice(0, problems.length, ...problems.filter((problem) => !expected.test(problem)));
  });
});
