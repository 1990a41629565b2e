import { HttpError } from "../http/errors";

export const INVALID_REPOSITORY_NAME = "Invalid repository name";
export const REPOSITORY_NAME_REQUIRED = "Repository name is required";

/** Longest name most filesystems accept for one path segment. */
const MAX_NAME_LENGTH = 255;

/**
 * Refuses (400 "Invalid repository name") anything that is not one plain path segment: separators,
 * `.`/`..`, NUL and control characters, a leading `-` (read as a flag by CLIs), over-long names.
 * The name is checked as given, after up to three rounds of percent-decoding (double-encoded
 * `%252e%252e` must not become `..` in some later layer) and after NFKC normalisation (fullwidth
 * `．．` folds to `..`).
 *
 * @example
 * checkRepositoryName("my-app");     // ok
 * checkRepositoryName("..%2fetc");   // throws HttpError 400
 */
export function checkRepositoryName(name: string): void {
  for (const form of formsOf(name)) {
    if (!isPlainSegment(form)) throw new HttpError(400, INVALID_REPOSITORY_NAME);
  }
}

function formsOf(name: string): string[] {
  const forms = [name];
  let current = name;
  for (let round = 0; round < 3 && current.includes("%"); round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      // Malformed escapes (e.g. overlong UTF-8 %c0%ae) are refused outright.
      throw new HttpError(400, INVALID_REPOSITORY_NAME);
    }
    if (decoded === current) break;
    forms.push(decoded);
    current = decoded;
  }
  return [...forms, ...forms.map((form) => form.normalize("NFKC"))];
}

function isPlainSegment(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return false;
  if (name === "." || name === "..") return false;
  if (name.startsWith("-")) return false;
  if (name.trim() !== name) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
  return !/[/\\\u0000-\u001f\u007f]/.test(name);
}
