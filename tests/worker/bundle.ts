// Node-only (test support): bundles a Worker entry the way wrangler does and finds Node-only inputs.
import { builtinModules } from "node:module";
import { join } from "node:path";
import { build, type Metafile } from "esbuild";

export const ROOT = join(import.meta.dirname, "..", "..");

/** Node built-ins by every name they can be imported under ("fs", "node:fs", "fs/promises"…). */
const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`), "node:*"];

/**
 * Packages (and files) that only work on Node: processes, files, TCP, native bindings, worker
 * threads. Matched against the bundle's input paths.
 */
export const NODE_ONLY_INPUTS: { pattern: RegExp; why: string }[] = [
  { pattern: /^src\/node\//, why: "Node-only entry code" },
  { pattern: /^src\/exec\/local/, why: "the local (child process) executor" },
  { pattern: /node_modules\/execa\//, why: "spawns processes" },
  { pattern: /node_modules\/(@libsql\/(linux|darwin|win32)-|libsql\/|better-sqlite3\/)/, why: "native SQLite binding" },
  { pattern: /node_modules\/@libsql\/client\/lib-esm\/(node|sqlite3)\.js$/, why: "@libsql/client's Node (file:) entry" },
  { pattern: /node_modules\/(ioredis|redis|@redis\/[^/]+)\//, why: "Redis over TCP" },
  {
    pattern: /node_modules\/pino\/(pino|lib\/transport[^/]*|lib\/worker)\.js$/,
    why: "pino's Node build (streams, worker threads)",
  },
  { pattern: /node_modules\/(thread-stream|sonic-boom|pino-abstract-transport)\//, why: "pino's Node transports" },
  { pattern: /node_modules\/isomorphic-git\/.*\/(node|http\/node)\//, why: "isomorphic-git's Node fs/http" },
  { pattern: /node_modules\/(ws|@hono\/node-server|node-pty|which|umzug)\//, why: "Node-only package" },
];

export interface NodeOnlyFinding {
  /** The offending import (a built-in) or input (a file). */
  what: string;
  why: string;
  /** Who pulled it in: entry → … → importer. */
  chain: string[];
}

/**
 * Bundles `entry` as wrangler does (conditions workerd/worker/browser, browser main fields, ESM),
 * with Node built-ins and `cloudflare:*` left external so they can be listed instead of failing
 * the build. Returns the code and esbuild's metafile.
 */
export async function bundleForWorkers(entry: string) {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: [...NODE_BUILTINS, "cloudflare:*"],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]?.text ?? "", metafile: result.metafile };
}

/** Every Node built-in import and Node-only input of a bundle, each with how it got in. */
export function findNodeOnly(metafile: Metafile): NodeOnlyFinding[] {
  const importers = new Map<string, string>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) if (!importers.has(imported.path)) importers.set(imported.path, file);
  }
  const chainOf = (path: string) => {
    const chain: string[] = [];
    for (let at = importers.get(path); at && !chain.includes(at); at = importers.get(at)) chain.unshift(at);
    return chain;
  };
  const findings: NodeOnlyFinding[] = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external && !imported.path.startsWith("cloudflare:")) {
        findings.push({ what: imported.path, why: "Node built-in", chain: [...chainOf(file), file] });
      }
    }
    const rule = NODE_ONLY_INPUTS.find(({ pattern }) => pattern.test(file));
    if (rule) findings.push({ what: file, why: rule.why, chain: chainOf(file) });
  }
  return findings;
}

/** One line per finding, readable in a failed assertion. */
export const describeFindings = (findings: NodeOnlyFinding[]) =>
  findings.map((f) => `${f.what} (${f.why}) via ${f.chain.join(" → ") || "the entry"}`);
