/** Names never listed in a file tree (§10.3), matched exactly against an entry's name. */
export const IGNORED_NAMES: ReadonlySet<string> = new Set([
  ".git",
  "node_modules",
  ".next",
  "dist",
  "build",
  ".cache",
  "coverage",
  ".nyc_output",
  ".vscode",
  ".idea",
  "__pycache__",
  ".pytest_cache",
  ".mypy_cache",
  "venv",
  "env",
  ".env",
  ".DS_Store",
]);

/** §10.3's two globs, `*.log` and `*.tmp`, as suffixes. */
const IGNORED_SUFFIXES = [".log", ".tmp"];

/**
 * Whether a file-tree entry is hidden by the built-in list.
 *
 * @example
 * isIgnoredName("node_modules"); // true
 * isIgnoredName("debug.log");    // true
 */
export function isIgnoredName(name: string): boolean {
  return IGNORED_NAMES.has(name) || IGNORED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
