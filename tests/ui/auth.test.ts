import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshot, watchProblems } from "../support/browser";
import { startUiServer, type UiServer } from "../support/ui-server";

describe("signing in to the web UI, in real Chromium", () => {
  let ui: UiServer;
  let open: UiServer;
  let browser: Browser;

  beforeAll(async () => {
    ui = await startUiServer();
    open = await startUiServer({ token: "" });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await open?.close();
  });

  it("says clearly when the token is wrong, shows nothing else, and lets the right one in", async () => {
    const context = await newContext(browser);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems = watchProblems(page);
    let apiWithoutToken = 0;
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/runs" && !request.headers().authorization) apiWithoutToken++;
    });
    await page.goto(`${ui.server.url}/#/runs`);
    const field = page.getByLabel("API token");
    await field.waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);

    await field.fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      "The server did not accept this token (401 Unauthorized). Check it against RUNNER_API_TOKENS and try again.",
    );
    // Still the login prompt, focused for another try; no page of the app and no data.
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Runs" }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("token");
    await screenshot(page, "login-wrong-token");

    await field.fill(ui.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    // The token is kept for the session: a reload does not ask again.
    await page.reload();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    expect(await page.getByLabel("API token").count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    expect(apiWithoutToken).toBe(0);

    // Signing out forgets it.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API token").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("asks again, with a clear message, when the saved token stops being accepted", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${ui.server.url}/`);
    // As if the server's tokens were rotated after this tab signed in.
    await page.evaluate(() => sessionStorage.setItem("cursor-runner.token", "rotated-away"));
    await page.reload();
    await page.getByRole("alert").getByText("Your token is no longer accepted by the server (401 Unauthorized).").waitFor();
    await page.getByLabel("API token").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("cursor-runner.token"))).toBeNull();
    await context.close();
  });

  it("needs no token when the server has none configured", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${open.server.url}/`);
    // `/` opens the first page of the navigation, Tasks.
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/tasks$/);
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("serves the page with a strict Content-Security-Policy and no inline script, and keeps the API behind the token", async () => {
    const res = await fetch(`${ui.server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    for (const [, attributes] of html.matchAll(/<script([^>]*)>/g)) expect(attributes).toMatch(/\ssrc="\/ui\//);
    expect((await fetch(`${ui.server.url}/runs`)).status).toBe(401);
  });
});
