import type { Terminal } from "../../repos/terminal";
import type { PushResult } from "./types";

/**
 * §6.4's git completion check, through the terminal service: the work counts as delivered when
 * HEAD is pushed to its upstream, or when the branch exists on origin and differs from
 * origin/main (or master) — the historical "pull request" heuristic. Every git failure reads as
 * "no".
 *
 * @example
 * const { isComplete, reason } = await checkGitCompletion(terminal, repoDir);
 */
export async function checkGitCompletion(terminal: Terminal, cwd: string): Promise<PushResult> {
  const git = async (...args: string[]): Promise<string | null> => {
    try {
      const result = await terminal.run("git", args, { cwd });
      return result.exitCode === 0 ? result.stdout.trim() : null;
    } catch {
      return null;
    }
  };
  const branch = await git("rev-parse", "--abbrev-ref", "HEAD");
  const upstream = await git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}");
  if (upstream) await git("fetch", "origin");
  const head = await git("rev-parse", "HEAD");

  const upstreamHash = upstream ? await git("rev-parse", "@{u}") : null;
  const hasPushedCommits = Boolean(upstreamHash && head && upstreamHash === head);

  let hasPullRequest = false;
  if (branch && branch !== "HEAD" && upstream) {
    const main = (await git("rev-parse", "--verify", "origin/main")) ?? (await git("rev-parse", "--verify", "origin/master"));
    const remoteBranch = await git("rev-parse", "--verify", `origin/${branch}`);
    hasPullRequest = Boolean(main && remoteBranch && head && head !== main);
  }
  const reason =
    hasPullRequest && hasPushedCommits
      ? "Pull Request created and code pushed to origin"
      : hasPullRequest
        ? "Pull Request created"
        : hasPushedCommits
          ? "Code pushed to origin"
          : "No Pull Request created and code not pushed to origin";
  return { isComplete: hasPullRequest || hasPushedCommits, reason, hasPullRequest, hasPushedCommits };
}
