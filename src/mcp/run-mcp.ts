import { HttpError } from "../http/errors";
import type { Logger } from "../log";
import { applyFeatureFlags, canonicalName, type McpFeatures, parseCatalogue } from "./catalogue";
import { MCP_RULES, selectByKeywords } from "./keywords";
import type { ModelSelector } from "./openai";
import { missingVariables, resolvePlaceholders } from "./placeholders";
import type { McpFiles, McpLease, McpSelection, McpServers, RunMcp } from "./types";

export interface RunMcpOptions {
  files: McpFiles;
  features: McpFeatures;
  /** The runner's environment, for `${VAR}` placeholders (read at run time). */
  env: Record<string, string | undefined>;
  log: Logger;
  /** Model-based selection (OPENAI_API_KEY); keywords when absent or when it fails. */
  model?: ModelSelector | undefined;
}

interface Written {
  servers: string[];
  /** The file was not ours to write (tracked by the repository): nothing to remove either. */
  untouched?: boolean;
  previous?: string;
}

interface Holder {
  key: string;
  count: number;
  ready: Promise<Written>;
  /** Updates of the file's record (runs joining), one at a time; removal waits for them. */
  records: Promise<void>;
  /** Set while the last run's file is being removed (or recovered); a new run waits for it. */
  closing?: Promise<void>;
}

/**
 * Per-run MCP configuration (§10.9, fixing §12 item 13): the catalogue file is read-only; each
 * cursor run gets its selection written to `<workspace>/.cursor/mcp.json` (git-excluded, mode
 * 0600, removed — or the previous file restored — when the run ends). Runs in different
 * workspaces never see each other's file. Live runs in the SAME workspace share the file, so they
 * may only run together when their selections are equal; a different one is refused (409) rather
 * than changing tools under a running agent. A record beside the file (McpFiles) names the runs
 * using it, so after a crash `recover` removes the file an interrupted run left — only that one.
 *
 * @example
 * const mcp = createRunMcp({ files, features: config.features, env: process.env, log });
 * const lease = await mcp.acquire(run); // writes the file
 * await lease.release();                // removes it
 */
export function createRunMcp(options: RunMcpOptions): RunMcp {
  const { files, log } = options;
  const holders = new Map<string, Holder>();

  const catalogue = async (): Promise<McpServers> => {
    try {
      return applyFeatureFlags(parseCatalogue(await files.readCatalogue()), options.features);
    } catch (error) {
      // A broken catalogue must not stop runs: they go ahead without MCP servers.
      log.error({ err: error }, "MCP catalogue unreadable; runs get no MCP servers");
      return {};
    }
  };

  const select = async (prompt: string, context = "", servers?: McpServers): Promise<McpSelection> => {
    const available = servers ?? (await catalogue());
    const names = Object.keys(available);
    if (options.model && names.length > 0) {
      const descriptions = Object.fromEntries(
        names.map((name) => [name, MCP_RULES[canonicalName(name)]?.description ?? `MCP server ${name}`]),
      );
      const answer = await options.model(prompt, context, descriptions);
      if (answer) return answer;
    }
    const selectedMcps = names.filter((name) => selectByKeywords(prompt, [canonicalName(name)]).length > 0);
    return {
      selectedMcps,
      reasoning: selectedMcps.length ? `Selected based on keyword matching: ${selectedMcps.join(", ")}` : "No MCP server matched",
    };
  };

  const write = async (cwd: string, servers: McpServers, chosen: string[], runId: string): Promise<Written> => {
    const resolved: McpServers = {};
    for (const name of chosen) {
      const server = resolvePlaceholders(servers[name] ?? {}, options.env);
      const missing = missingVariables(server);
      if (missing.length) log.warn({ server: name, missing }, "MCP server has unset variables");
      resolved[name] = server;
    }
    const result = await files.write(cwd, { mcpServers: resolved }, runId);
    if (!result.written) {
      log.warn({ cwd, reason: result.reason }, "Workspace MCP file left alone; the run gets no MCP servers of ours");
      return { servers: [], untouched: true };
    }
    return { servers: chosen, ...(result.previous !== undefined ? { previous: result.previous } : {}) };
  };

  return {
    select: (prompt, context) => select(prompt, context),

    async acquire(run): Promise<McpLease> {
      const servers = await catalogue();
      const wanted = run.mcpServers ?? (await select(run.prompt, "", servers)).selectedMcps;
      const chosen = wanted.filter((name) => name in servers);
      const key = JSON.stringify([...chosen].sort());
      let holder = holders.get(run.cwd);
      while (holder?.closing) {
        await holder.closing;
        holder = holders.get(run.cwd);
      }
      if (holder && holder.key !== key) {
        throw new HttpError(
          409,
          `Another run in this workspace is using different MCP servers (${JSON.parse(holder.key).join(", ") || "none"}); retry when it has finished`,
        );
      }
      const joining = holder !== undefined;
      if (holder) holder.count++;
      else {
        // Registered before the write is awaited, so a concurrent run sees it at once.
        holder = { key, count: 1, ready: write(run.cwd, servers, chosen, run.id), records: Promise.resolve() };
        holders.set(run.cwd, holder);
      }
      const current = holder;
      let written: Awaited<Holder["ready"]>;
      try {
        written = await current.ready;
      } catch (error) {
        if (--current.count === 0 && holders.get(run.cwd) === current) holders.delete(run.cwd);
        throw error;
      }
      if (joining && !written.untouched) {
        // Named in the file's record before the agent starts, so a crash from now on finds it.
        const join = current.records.then(() => files.join(run.cwd, run.id));
        current.records = join.catch(() => {});
        await join.catch((error) => log.warn({ err: error, cwd: run.cwd }, "Could not record the run in the MCP file's record"));
      }
      let released = false;
      return {
        servers: written.servers,
        async release() {
          if (released) return;
          released = true;
          if (--current.count > 0 || holders.get(run.cwd) !== current) return;
          const removal = written.untouched
            ? Promise.resolve()
            : current.records.then(() => files.remove(run.cwd, written.previous));
          current.closing = removal.finally(() => {
            if (holders.get(run.cwd) === current) holders.delete(run.cwd);
          });
          await current.closing;
        },
      };
    },

    async recover(runs) {
      const byWorkspace = new Map<string, string[]>();
      for (const run of runs) byWorkspace.set(run.cwd, [...(byWorkspace.get(run.cwd) ?? []), run.id]);
      for (const [cwd, runIds] of byWorkspace) {
        // A live run here holds this workspace's file (its record names it, not these runs anyway).
        if (holders.has(cwd)) continue;
        // Held while recovering, so a run starting here meanwhile waits instead of racing the removal.
        const holder: Holder = { key: "[]", count: 0, ready: Promise.resolve({ servers: [] }), records: Promise.resolve() };
        holder.closing = files
          .recover(cwd, runIds)
          .then((outcome) => {
            if (outcome === "removed" || outcome === "restored") {
              log.warn({ cwd, runIds, outcome }, "Removed the MCP file an interrupted run left behind");
            } else if (outcome === "changed") {
              log.warn({ cwd, runIds }, "The MCP file of an interrupted run was changed since it was written; left as it is");
            }
          })
          .catch((error) => log.warn({ err: error, cwd }, "Could not clean up the MCP file of an interrupted run"))
          .finally(() => {
            if (holders.get(cwd) === holder) holders.delete(cwd);
          });
        holders.set(cwd, holder);
        await holder.closing;
      }
    },
  };
}
