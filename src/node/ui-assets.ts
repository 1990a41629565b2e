// Node-only: reads the built web UI (dist/ui) from disk for the runtime-neutral handler (src/http/ui.ts).
import { readFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import type { UiAssets } from "../http/ui";

/** The build folder `npm run build:ui` writes (vite.config.ts `build.outDir`). */
export const UI_DIST = resolve(import.meta.dirname, "..", "..", "dist", "ui");

/**
 * The UI's files from `root`. Read on every request (the OS caches them; a rebuild needs no
 * restart); a path that would leave `root`, or a missing file, reads as null.
 *
 * @example
 * buildDeps({ ..., ui: diskUiAssets() });
 */
export function diskUiAssets(root: string = UI_DIST): UiAssets {
  const base = resolve(root);
  return {
    async read(path) {
      const file = resolve(join(base, path));
      if (!file.startsWith(base + sep)) return null;
      try {
        return new Uint8Array(await readFile(file));
      } catch {
        return null;
      }
    },
  };
}
