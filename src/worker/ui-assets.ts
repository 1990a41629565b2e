// Workers-only: the built web UI (dist/ui) through wrangler's `[assets]` binding (wrangler.toml).
import type { UiAssets } from "../http/ui";

/** The part of a Workers `Fetcher` binding used here. */
export interface AssetsBinding {
  fetch(request: Request): Promise<Response>;
}

export const isAssetsBinding = (value: unknown): value is AssetsBinding =>
  typeof value === "object" && value !== null && typeof (value as AssetsBinding).fetch === "function";

/**
 * The UI's files from the `ASSETS` binding. wrangler.toml sets `run_worker_first`, so every request
 * reaches the app first and the same handler (src/http/ui.ts) adds the UI's headers as on Node;
 * `html_handling = "none"` keeps `index.html` at its own name.
 *
 * @example
 * buildDeps({ ..., ui: isAssetsBinding(env.ASSETS) ? bindingUiAssets(env.ASSETS) : undefined });
 */
export function bindingUiAssets(binding: AssetsBinding): UiAssets {
  return {
    async read(path) {
      // The host is ignored by the binding; only the path names the file.
      const response = await binding.fetch(new Request(`https://assets.invalid/${path}`));
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        return null;
      }
      return response.body;
    },
  };
}
