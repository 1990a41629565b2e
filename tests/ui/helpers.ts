// Node-only (test support for tests/ui): what a person does first — open the page and sign in.
import type { Page } from "playwright-core";

/** Opens the UI at `hash` and, when asked for the token, types it in and signs in. */
export async function openSignedIn(page: Page, baseUrl: string, token: string, hash = "#/runs") {
  await page.goto(`${baseUrl}/${hash}`);
  const field = page.getByLabel("API token");
  await Promise.race([field.waitFor(), page.getByRole("navigation", { name: "Main" }).waitFor()]);
  if (await field.isVisible()) {
    await field.fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Form controls on the page that have no accessible name (no <label>, aria-label or aria-labelledby). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>("input, select, textarea")]
      .filter((control) => control.type !== "hidden")
      .filter(
        (control) => !control.labels?.length && !control.getAttribute("aria-label") && !control.getAttribute("aria-labelledby"),
      )
      .map((control) => control.outerHTML),
  );
}
