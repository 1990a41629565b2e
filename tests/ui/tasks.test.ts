import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshot, watchProblems } from "../support/browser";
import { postJson } from "../support/server-process";
import { startUiServer, type UiServer } from "../support/ui-server";
import { waitFor } from "../support/wait";
import { openSignedIn, unlabelledControls } from "./helpers";

/** Waits for what the page shows to become what is expected (vitest's poll, with room for a busy machine). */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000 });
const UUID = /#\/tasks\/([0-9a-f-]{36})$/;

describe("the tasks pages, in real Chromium against the real server, its task engine and the fake cursor agent", () => {
  let ui: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  /** Every URL the page requested, and every WebSocket it opened. */
  let requested: string[];
  const auth = () => ({ Authorization: `Bearer ${ui.token}` });

  /** Creates a task through the API, as another client would. */
  const createTask = async (description: string, extra: Record<string, unknown> = {}) => {
    const res = await postJson(`${ui.server.url}/tasks`, { description, repository: "demo", ...extra }, auth());
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const readTask = async (id: string) => (await fetch(`${ui.server.url}/tasks/${id}`, { headers: auth() })).json();
  const countOf = async (statuses: string) =>
    (await (await fetch(`${ui.server.url}/tasks?limit=1${statuses ? `&statuses=${statuses}` : ""}`, { headers: auth() })).json())
      .total as number;
  /** A file the fake agent's shell loop waits for (a gate the test opens), inside the demo repository. */
  const gate = (name: string) => ({
    wait: `RUN while [ ! -f ${name} ]; do sleep 0.05; done; echo gate-open`,
    open: () => writeFileSync(join(ui.repos, "demo", name), ""),
  });

  const badge = () => page.locator(".page-header .task-badge");
  const control = () => page.locator(".page-header .control");
  const chat = () => page.getByRole("log", { name: "Task messages" });
  const assistantSaid = (text: string) =>
    chat()
      .getByRole("listitem")
      .filter({ hasText: /^Assistant/ })
      .getByText(text, { exact: true });
  const userSaid = (text: string) => chat().getByRole("listitem").filter({ hasText: /^You/ }).getByText(text, { exact: true });
  const liveState = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });
  const tab = (name: string) => page.getByRole("tab", { name: new RegExp(`^${name.replace("/", "\\/")} `) });
  const tabCount = async (id: string) => Number(await page.locator(`[data-tab-count="${id}"]`).textContent());
  const processedReads = () => requested.filter((url) => url.includes("/messages/processed")).length;
  /** Set once the page is open; still set later means the page was never reloaded. */
  const markPage = () => page.evaluate(() => Object.assign(window, { notReloaded: true }));
  const stillSamePage = () => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

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

  const open = async (hash = "#/tasks", options: Parameters<typeof newContext>[1] = {}) => {
    context = await newContext(browser, options);
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    problems = watchProblems(page);
    requested = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("websocket", (socket) => requested.push(socket.url()));
    await openSignedIn(page, ui.server.url, ui.token, hash);
  };

  it("creates a task from the form and follows it live, PENDING/RUNNING → COMPLETED, then finds it under Completed with the right counts", async () => {
    const { wait, open: openGate } = gate("gate-create");
    await open("#/");
    // `/` opens the first page of the navigation: Tasks.
    await page.waitForURL(/#\/tasks$/);
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link").first().textContent()).toBe("Tasks");

    await page.getByRole("button", { name: "New task" }).click();
    const description = page.getByLabel("What should be done?");
    // The form opens with the cursor in the description.
    await eventually(() => description.evaluate((element) => element === document.activeElement)).toBe(true);
    await description.fill(
      `SAY Starting the task\n${wait}\nSLEEP 800\nWRITE notes/result.md <<written by the task>>\nSAY Finished the task`,
    );
    // The model picker lists GET /tasks/models: here the (fake) cursor agent, preselected.
    const model = page.getByLabel("Agent and model");
    await eventually(() => model.locator("option:checked").textContent()).toBe("Cursor Agent (default model)");
    await page.getByLabel("Repository").fill("demo");
    await page.getByLabel("Priority").selectOption("HIGH");
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, "task-create");
    // Enter creates it (Shift+Enter would add a line).
    await description.press("End");
    await description.press("Enter");

    await page.waitForURL(UUID);
    const id = UUID.exec(page.url())?.[1] as string;
    await markPage();
    await liveState("Live").waitFor();
    // Its first message is the description; the agent's first words arrive while it is still blocked on the gate.
    await chat().getByRole("listitem").filter({ hasText: /^You/ }).filter({ hasText: "SAY Starting the task" }).waitFor();
    await assistantSaid("Starting the task").waitFor();
    await eventually(() => badge().textContent()).toBe("Running");
    expect(await control().textContent()).toBe("Assistant working");
    await page.getByText("The assistant is working…").waitFor();
    await chat().locator(".tool-chip").filter({ hasText: "shell" }).first().waitFor();
    expect(await assistantSaid("Finished the task").count()).toBe(0);
    // What the list said when it was created: the form's choices.
    const created = await readTask(id);
    expect(created).toMatchObject({ priority: "HIGH", repository: "demo", kind: "agent", agent: "cursor", type: "IMMEDIATE" });
    for (const label of ["Take over", "Abort", "Cancel"]) await page.getByRole("button", { name: label, exact: true }).waitFor();
    await screenshot(page, "task-running");

    openGate();
    await assistantSaid("Finished the task").waitFor();
    await eventually(() => badge().textContent()).toBe("Completed");
    const result = page.getByRole("region", { name: "Result" });
    await result.getByText("Starting the taskFinished the task").waitFor();
    expect(await page.getByText("The assistant is working…").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Take over" }).count()).toBe(0);
    // The tool result is folded away until opened.
    const write = chat().locator(".tool-result").filter({ hasText: "Result of write" });
    expect(await write.locator("pre").isVisible()).toBe(false);
    await write.locator("summary").click();
    await write.locator("pre").filter({ hasText: '"path": "notes/result.md"' }).waitFor();
    expect(readFileSync(join(ui.repos, "demo", "notes", "result.md"), "utf8")).toBe("written by the task");
    // Followed without a reload, and the messages were read once: every later one came over the socket.
    expect(await stillSamePage()).toBe(true);
    expect(processedReads()).toBe(1);
    const sockets = requested.filter((url) => url.includes("/tasks/ws"));
    expect(sockets.some((url) => new URL(url).searchParams.get("taskId") === id)).toBe(true);
    // The token travels only in the WebSocket handshakes, never in another URL.
    const withToken = requested.filter((url) => url.includes(ui.token));
    expect(withToken.length).toBeGreaterThan(0);
    for (const url of withToken) expect(new URL(url).pathname).toBe("/tasks/ws");
    await page.getByRole("link", { name: new RegExp(`^${created.runId.slice(0, 8)}$`) }).waitFor();
    // An agent task has no desktop panel.
    expect(await page.getByRole("region", { name: "Desktop" }).count()).toBe(0);
    await screenshot(page, "task-completed");

    await page.getByRole("link", { name: "← Tasks" }).click();
    await page.waitForURL(/#\/tasks$/);
    await tab("Completed").click();
    await page.waitForURL(/#\/tasks\?tab=completed$/);
    // The URL changes before the tab list re-renders.
    await eventually(() => tab("Completed").getAttribute("aria-selected")).toBe("true");
    const rows = page.getByRole("tabpanel").locator("tbody tr");
    await eventually(() => rows.count()).toBe(1);
    expect(await rows.first().locator(".task-badge").textContent()).toBe("Completed");
    expect(await rows.first().getByRole("link").textContent()).toBe("SAY Starting the task");
    expect(await rows.first().textContent()).toContain("High");
    // The counts are the server's: one task, completed.
    await eventually(() => tabCount("all")).toBe(1);
    expect(await tabCount("active")).toBe(0);
    expect(await tabCount("completed")).toBe(1);
    expect(await tabCount("cancelled_failed")).toBe(0);
  }, 90_000);

  it("takes over a running task, sends it a message, resumes it, and sees it complete with the message's answer", async () => {
    const id = await createTask("SAY started\nSLEEP 60000");
    await open(`#/tasks/${id}`);
    await assistantSaid("started").waitFor();
    await eventually(() => badge().textContent()).toBe("Running");
    await markPage();

    await page.getByRole("button", { name: "Take over" }).click();
    await eventually(() => control().textContent()).toBe("You have control");
    await page.getByRole("button", { name: "Resume" }).waitFor();
    expect(await page.getByRole("button", { name: "Take over" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Abort" }).count()).toBe(0);
    expect(await page.locator("#composer-hint").textContent()).toBe(
      "You have control: the assistant gets your messages when you press Resume.",
    );
    expect((await readTask(id)).control).toBe("USER");

    const box = page.getByRole("textbox", { name: "Message", exact: true });
    // Taking over puts the cursor where the next step happens: the message box.
    await eventually(() => box.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    await box.fill("SAY resumed by the user");
    await box.press("Enter");
    await userSaid("SAY resumed by the user").waitFor();
    expect(await box.inputValue()).toBe("");
    // Said while the user has control: nothing answers it until Resume.
    expect(await assistantSaid("resumed by the user").count()).toBe(0);

    await page.getByRole("button", { name: "Resume" }).click();
    await assistantSaid("resumed by the user").waitFor();
    await eventually(() => badge().textContent()).toBe("Completed");
    await page.getByRole("region", { name: "Result" }).getByText("resumed by the user", { exact: true }).waitFor();
    expect(await stillSamePage()).toBe(true);
    expect(processedReads()).toBe(1);
    const task = await readTask(id);
    expect(task).toMatchObject({ status: "COMPLETED", control: "ASSISTANT", attempts: 2 });
  }, 90_000);

  it("shows a task the agent could not finish as NEEDS_HELP with the agent's error, and cancels it from its page", async () => {
    const id = await createTask(
      "SAY Trying the migration\nREAD db/migration.lock\nERROR_RESULT The migration fails: table users is locked",
    );
    await open(`#/tasks/${id}`);
    await eventually(() => badge().textContent()).toBe("Needs help");
    const help = page.getByRole("alert").filter({ hasText: "The assistant needs help:" });
    await help.getByText("The migration fails: table users is locked.", { exact: false }).waitFor();
    expect(await control().textContent()).toBe("You have control");
    await assistantSaid("Trying the migration").waitFor();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    await screenshot(page, "task-needs-help");
    // The failed tool call's result is folded away, and marked as an error.
    await chat().locator(".tool-chip").filter({ hasText: "db/migration.lock" }).waitFor();
    const failed = chat().locator(".tool-result-error");
    expect(await failed.locator("summary").textContent()).toBe("Error from read");
    expect(await failed.locator("pre").isVisible()).toBe(false);
    await failed.locator("summary").click();
    await failed.locator("pre").filter({ hasText: "ENOENT" }).waitFor();

    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await eventually(() => badge().textContent()).toBe("Cancelled");
    await page.getByText("Cancelled.", { exact: true }).waitFor();
    for (const label of ["Cancel", "Resume", "Take over"])
      expect(await page.getByRole("button", { name: label, exact: true }).count()).toBe(0);
    expect(await page.locator("#composer-hint").textContent()).toContain("This task is cancelled");
    expect((await readTask(id)).status).toBe("CANCELLED");
  }, 90_000);

  it("shows a failed task's error, and keeps the slot for a desktop task's desktop without drawing a fake one", async () => {
    // No desktop driver on this server: the task fails saying so.
    const id = await createTask("Open the calculator and add 2 and 2", { kind: "desktop", repository: undefined });
    await open(`#/tasks/${id}`);
    await eventually(() => badge().textContent()).toBe("Failed");
    await page
      .getByRole("alert")
      .filter({ hasText: /^Failed: No driver runs desktop tasks on this instance/ })
      .waitFor();
    const desktop = page.getByRole("region", { name: "Desktop" });
    await desktop.getByText("This was a desktop task.", { exact: false }).waitFor();
    expect(await desktop.locator("img, canvas, iframe, video").count()).toBe(0);
    expect(await page.locator(".run-details").textContent()).toContain("Kinddesktop");
    expect(await page.locator("#composer-hint").textContent()).toBe(
      "This task is failed: a message is kept with it, but no one answers it.",
    );
  }, 90_000);

  it("aborts a task the assistant is running: it stops, needs help, and the user has control", async () => {
    const id = await createTask("SAY Working on a long job\nSLEEP 60000");
    await open(`#/tasks/${id}`);
    await assistantSaid("Working on a long job").waitFor();
    await eventually(() => badge().textContent()).toBe("Running");
    await page.getByRole("button", { name: "Abort" }).click();
    await eventually(() => badge().textContent()).toBe("Needs help");
    await page.getByRole("alert").filter({ hasText: "Aborted by request." }).waitFor();
    expect(await control().textContent()).toBe("You have control");
    const task = await readTask(id);
    expect(task).toMatchObject({ status: "NEEDS_HELP", control: "USER", error: "Aborted by request" });
    const run = await (await fetch(`${ui.server.url}/runs/${task.runId}`, { headers: auth() })).json();
    expect(run.status).toBe("cancelled");
    // Tidy up: no task is left waiting for this file's later counts.
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await eventually(() => badge().textContent()).toBe("Cancelled");
  }, 90_000);

  it("shows a task another client creates through the API in the open list, live, and moves it between tabs as its status changes", async () => {
    const { wait, open: openGate } = gate("gate-list");
    await open("#/tasks?tab=active");
    await markPage();
    await liveState("Live").waitFor();
    const before = { active: await countOf("PENDING,RUNNING,NEEDS_HELP,NEEDS_REVIEW"), completed: await countOf("COMPLETED") };
    await eventually(() => tabCount("active")).toBe(before.active);
    await eventually(() => tabCount("completed")).toBe(before.completed);
    const rows = page.getByRole("tabpanel").locator("tbody tr");

    const id = await createTask(`SAY Sent from another client\n${wait}`, { priority: "URGENT" });
    const row = rows.filter({ has: page.locator(`a[href="#/tasks/${id}"]`) });
    await row.waitFor();
    expect(await row.getByRole("link").textContent()).toBe("SAY Sent from another client");
    expect(await row.textContent()).toContain("Urgent");
    await eventually(() => row.locator(".task-badge").textContent()).toBe("Running");
    await eventually(() => tabCount("active")).toBe(before.active + 1);
    await screenshot(page, "tasks-live");

    openGate();
    // Completed: it leaves the Active tab and is counted under Completed, still without a reload.
    await eventually(() => row.count()).toBe(0);
    await eventually(() => tabCount("completed")).toBe(before.completed + 1);
    expect(await tabCount("active")).toBe(before.active);
    expect(await stillSamePage()).toBe(true);

    // The tabs work from the keyboard: arrows move between them and open them.
    await tab("Active").focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForURL(/tab=completed/);
    await eventually(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toMatch(/^Completed/);
    await rows.filter({ has: page.locator(`a[href="#/tasks/${id}"]`) }).waitFor();
    await page.keyboard.press("Home");
    await page.waitForURL(/#\/tasks$/);
    await eventually(() => tab("All").getAttribute("aria-selected")).toBe("true");
  }, 90_000);

  it("refuses an empty description with its message, names the field of the server's refusals, and labels every control", async () => {
    await open("#/tasks?new=1");
    const form = page.getByRole("form", { name: "New task" });
    await form.waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    const description = page.getByLabel("What should be done?");

    await page.getByRole("button", { name: "Create task" }).click();
    const alert = form.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Not created: description is required (the task, in words)");
    expect(await description.getAttribute("aria-invalid")).toBe("true");
    expect(await description.evaluate((element) => element === document.activeElement)).toBe(true);
    // Whitespace is no description either (the server trims it too).
    await description.fill("   ");
    await description.press("Enter");
    expect(await alert.textContent()).toBe("Not created: description is required (the task, in words)");

    // Shift+Enter adds a line instead of creating.
    await description.fill("SAY first line");
    await description.press("Shift+Enter");
    await description.type("SAY second line");
    expect(await description.inputValue()).toBe("SAY first line\nSAY second line");
    expect(page.url()).toMatch(/#\/tasks\?new=1$/);

    // The server's refusals, in its words, with the field they are about marked and focused.
    const repository = page.getByLabel("Repository");
    await repository.fill("no-such-repository");
    await page.getByRole("button", { name: "Create task" }).click();
    await eventually(() => alert.textContent()).toContain("Repository not found locally: no-such-repository");
    expect(await repository.getAttribute("aria-invalid")).toBe("true");
    expect(await repository.evaluate((element) => element === document.activeElement)).toBe(true);

    await repository.fill("demo");
    const callback = page.getByLabel("Callback URL (optional)");
    await callback.fill("not a url");
    await page.getByRole("button", { name: "Create task" }).click();
    await eventually(() => alert.textContent()).toBe("Not created: callbackUrl must be an absolute http(s) URL");
    expect(await callback.getAttribute("aria-invalid")).toBe("true");
    expect(await repository.getAttribute("aria-invalid")).toBeNull();
    expect(page.url()).toMatch(/#\/tasks\?new=1$/);
    expect(await countOf("")).toBe(await tabCount("all"));
    // Chromium logs the two refused requests (404, 400) it was asked to make; nothing else went wrong.
    const refused = problems.filter((problem) => /status of (404|400)/.test(problem));
    expect(refused).toHaveLength(2);
    problems = problems.filter((problem) => !refused.includes(problem));
  }, 90_000);

  it("creates a scheduled task with a file, holds it until Process now, and deletes it after asking", async () => {
    await open("#/tasks?new=1");
    await page.getByLabel("What should be done?").fill("READ .task-files/brief.txt\nSAY Read the brief");
    await page.getByLabel("Repository").fill("demo");
    await page.getByLabel("Start at (optional)").fill("2099-01-01T09:00");

    // Files are read in the browser and shown as chips that can be removed.
    const picker = page.getByLabel("Attach files");
    await picker.setInputFiles([
      { name: "brief.txt", mimeType: "text/plain", buffer: Buffer.from("The brief: keep it short.\n") },
      { name: "extra.bin", mimeType: "application/octet-stream", buffer: Buffer.from([0, 1, 2, 3]) },
    ]);
    const chips = page.getByRole("list", { name: "Attached files" }).getByRole("listitem");
    await eventually(() => chips.count()).toBe(2);
    await page.getByText("2 / 10 files, at most 10 MB each", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Remove extra.bin" }).click();
    await eventually(() => chips.count()).toBe(1);
    expect(await chips.first().textContent()).toContain("brief.txt");
    // Too large for the client's limit: refused before anything is sent.
    await picker.setInputFiles([
      { name: "huge.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(10 * 1024 * 1024 + 1) },
    ]);
    await page
      .getByRole("alert")
      .filter({ hasText: "Not attached: huge.bin is larger than 10 MB, the limit for one file." })
      .waitFor();
    expect(await chips.count()).toBe(1);
    await screenshot(page, "task-create-files");
    await page.getByRole("button", { name: "Create task" }).click();

    await page.waitForURL(UUID);
    const id = UUID.exec(page.url())?.[1] as string;
    const task = await readTask(id);
    expect(task).toMatchObject({
      type: "SCHEDULED",
      status: "PENDING",
      scheduledFor: new Date("2099-01-01T09:00").toISOString(),
    });
    expect(task.files).toEqual([expect.objectContaining({ name: "brief.txt", type: "text/plain" })]);
    expect(Buffer.from(task.files[0].data, "base64").toString()).toBe("The brief: keep it short.\n");
    await eventually(() => badge().textContent()).toBe("Pending");
    await page.getByText(/^Scheduled: starts /).waitFor();
    await page.getByRole("list", { name: "Attached files" }).getByText("brief.txt").waitFor();
    await userSaid("READ .task-files/brief.txt\nSAY Read the brief\nFile brief.txt written to .task-files.").waitFor();
    expect(await page.locator("#composer-hint").textContent()).toBe("The assistant gets this when the task starts.");

    // Not before 2099 — unless asked to.
    await page.getByRole("button", { name: "Process now" }).click();
    await assistantSaid("Read the brief").waitFor();
    await eventually(() => badge().textContent()).toBe("Completed");
    await chat().locator(".tool-chip").filter({ hasText: ".task-files/brief.txt" }).waitFor();

    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = page.getByRole("alertdialog");
    await confirm.getByText("Delete this task with its messages and files?", { exact: false }).waitFor();
    // Keeping it puts focus back on Delete; confirming deletes it and returns to the list.
    await confirm.getByRole("button", { name: "Keep it" }).click();
    await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Delete");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Delete task");
    await page.getByRole("button", { name: "Delete task" }).click();
    await page.waitForURL(/#\/tasks$/);
    expect((await fetch(`${ui.server.url}/tasks/${id}`, { headers: auth() })).status).toBe(404);
  }, 90_000);

  it("pages ten tasks at a time, and looks right in light and dark mode and at phone width", async () => {
    // Enough finished tasks for a second page (they complete at once).
    const needed = Math.max(0, 13 - (await countOf("")));
    for (let index = 1; index <= needed; index++) await createTask(`SAY Quick task number ${index}`);
    await waitFor(async () => (await countOf("PENDING,RUNNING")) === 0, { what: "the quick tasks to finish", timeoutMs: 60_000 });
    const total = await countOf("");
    expect(total).toBeGreaterThan(10);

    await open("#/tasks");
    const rows = () => page.getByRole("tabpanel").locator("tbody tr");
    await eventually(() => rows().count()).toBe(10);
    const pager = page.getByRole("navigation", { name: "Pages of tasks" });
    expect(await pager.textContent()).toContain(`Page 1 of ${Math.ceil(total / 10)}`);
    await screenshot(page, "tasks");
    await pager.getByRole("link", { name: "Older →" }).click();
    await page.waitForURL(/page=2/);
    await eventually(() => rows().count()).toBe(Math.min(10, total - 10));
    await page.getByRole("link", { name: "← Newer" }).waitFor();
    await context.close();

    await open("#/tasks", { colorScheme: "dark" });
    await eventually(() => rows().count()).toBe(10);
    await screenshot(page, "tasks-dark");
    await context.close();

    await open("#/tasks", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await eventually(() => rows().count()).toBe(10);
    // Nothing overflows sideways at phone width, on the list and on a task.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await rows().first().getByRole("link").click();
    await page.waitForURL(UUID);
    await eventually(() => badge().textContent()).toBe("Completed");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "task-phone");
  }, 120_000);
});
