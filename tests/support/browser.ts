// Node-only (test support): real Chromium (Debian's `chromium` package) driven by playwright-core.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ROOT = join(import.meta.dirname, "..", "..");
/**
 * Where the browser tests save their screenshots: `test-results/screenshots` (git-ignored) on an
 * ordinary run, so `npm test` leaves the tree clean; `npm run screenshots` points it at
 * `docs/screenshots` (UPDATE_SCREENSHOTS=1) to refresh the README's pictures.
 */
export const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1" ? join(ROOT, "docs", "screenshots") : join(ROOT, "test-results", "screenshots");

/** The flags the toolchain notes list for headless Chromium on this kind of machine. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/**
 * Launches Chromium. Fails with what to install when it is missing (`.ci/run` installs it); never
 * downloads a browser (`npx playwright install` cannot work offline).
 *
 * @example
 * const browser = await launchBrowser();
 * const page = await (await browser.newContext()).newPage();
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A desktop-sized context (1280×800) by default; pass `viewport`, `colorScheme` … to change it. */
export function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, colorScheme: "light", ...options });
}

/**
 * Collects what would otherwise go unnoticed in a browser: uncaught page errors and console
 * errors (a CSP violation is one). Tests assert it stays empty.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A refused token is a 401 the page handles; Chromium still logs the failed load.
    if (message.type() === "error" && !/status of 401/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  return problems;
}

/** Saves a screenshot (for the README: `npm run screenshots` writes docs/screenshots/<name>.png). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let a pulsing badge or spinner not matter: no animations in the picture.
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: "disabled", fullPage: options.fullPage ?? false });
}
