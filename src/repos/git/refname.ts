import { HttpError } from "../../http/errors";

/**
 * git check-ref-format's rules for a branch name. A name like "../../x" would otherwise become a
 * ref file outside .git/refs.
 *
 * @example
 * checkBranchName("feature/login"); // ok
 * checkBranchName("a..b");          // throws HttpError 400
 */
export function checkBranchName(name: string): void {
  if (!isValidBranchName(name)) {
    throw new HttpError(400, `Invalid branch name: "${name}" (see git check-ref-format: no "..", spaces, ~^:?*[\\, leading "-")`);
  }
}

export function isValidBranchName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || name === "@" || name === "HEAD") return false;
  if (name.startsWith("-") || name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) return false;
  if (name.includes("..") || name.includes("//") || name.includes("@{")) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return false;
  return name.split("/").every((part) => !part.startsWith(".") && !part.endsWith(".lock"));
}
