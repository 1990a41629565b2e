/**
 * `npm run bench [-- part …]`: runs the benchmarks (all parts by default) in one process, so every
 * comparison is between numbers measured in the same run on the same (shared, noisy) machine.
 */
import { benchAgents } from "./agents";
import { benchConversations } from "./conversations";
import { benchDesktop } from "./desktop";
import { benchExecution } from "./execution";
import { benchFileTree } from "./file-tree";
import { benchRuntimes } from "./runtimes";
import { benchTasks } from "./tasks";

const parts: Record<string, () => Promise<unknown>> = {
  execution: () => benchExecution(),
  conversations: () => benchConversations(),
  agents: () => benchAgents(),
  "file-tree": () => benchFileTree(),
  tasks: () => benchTasks(),
  desktop: () => benchDesktop(),
  runtimes: () => benchRuntimes(),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = wanted.filter((name) => !(name in parts));
if (unknown.length > 0) {
  console.error(`Unknown bench part(s): ${unknown.join(", ")}. Parts: ${Object.keys(parts).join(", ")}`);
  process.exit(1);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(parts)) {
  await (parts[name] as () => Promise<unknown>)();
}
process.exit(0);
