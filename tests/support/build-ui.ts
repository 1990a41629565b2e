// Node-only (vitest globalSetup): builds the web UI once before any test file runs, as `npm start`'s
// prestart does, so `npm install && npm test` needs no separate step. Vite builds it in about a second.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

export default function buildUi() {
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "ui/vite.config.ts"],
    {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      timeout: 120_000,
    },
  );
}
