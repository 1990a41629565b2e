// Runtime-neutral: POSIX path arithmetic (no node:path on the request path).

/** Normalises an absolute POSIX path: collapses "//", ".", "..". ".." never climbs above "/". */
export function normalizeAbsolute(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** True when `child` is strictly below `parent` (both normalised absolute paths). */
export function isInside(parent: string, child: string): boolean {
  const base = parent === "/" ? "/" : `${parent}/`;
  return child !== parent && child.startsWith(base);
}

export const dirname = (path: string) => path.slice(0, Math.max(path.lastIndexOf("/"), 0)) || "/";
export const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);
