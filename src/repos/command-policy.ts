import { HttpError } from "../http/errors";

export interface CommandPolicy {
  /** Executable names allowed; empty = every name not blocked. */
  allowed?: readonly string[];
  /** Executable names refused. */
  blocked?: readonly string[];
}

/**
 * The executable's own name: `/usr/bin/rm` → `rm`. Lists match this exactly (case-insensitively),
 * never a substring of the command line, so `grep -r format` is not "format" and `rmdir` is not `rm`.
 */
export function executableName(command: string): string {
  const last = command.trim().split(/[\\/]/).pop() ?? "";
  return last.toLowerCase();
}

/**
 * Refuses with 403 a command the policy does not allow. Note that only the executable is judged:
 * a deny list that should mean anything must also deny shells and launchers (`sh`, `bash`, `env`).
 *
 * @example
 * checkCommand("git", { allowed: ["git", "npm"] }); // ok
 * checkCommand("/bin/rm", { blocked: ["rm"] });     // throws HttpError 403
 */
export function checkCommand(command: string, policy: CommandPolicy): void {
  const name = executableName(command);
  if (!name) throw new HttpError(400, "Command is required");
  const blocked = new Set((policy.blocked ?? []).map((entry) => entry.toLowerCase()));
  if (blocked.has(name)) throw new HttpError(403, `Command not allowed: "${name}" is in TERMINAL_BLOCKED_COMMANDS`);
  const allowed = (policy.allowed ?? []).map((entry) => entry.toLowerCase());
  if (allowed.length > 0 && !allowed.includes(name)) {
    throw new HttpError(403, `Command not allowed: "${name}" is not in TERMINAL_ALLOWED_COMMANDS`);
  }
}
