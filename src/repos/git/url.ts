import { HttpError } from "../../http/errors";

export interface RemoteUrl {
  /** http(s) URL without user info: safe to store in .git/config and to log. */
  url: string;
  /** Credentials that were embedded in the given URL, kept in memory only. */
  auth?: { username: string; password: string };
}

const SCP_LIKE = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)([\w./~-]+)$/;

/**
 * Accepts an http(s) URL (isomorphic-git speaks only smart HTTP) or the scp-like
 * `git@github.com:org/repo.git`, which is rewritten to https. User info is split off so it never
 * lands in .git/config.
 *
 * @example
 * parseRemoteUrl("https://bob:s3cret@example.com/org/app.git");
 * // → { url: "https://example.com/org/app.git", auth: { username: "bob", password: "s3cret" } }
 */
export function parseRemoteUrl(raw: string): RemoteUrl {
  const text = raw.trim();
  const scp = SCP_LIKE.exec(text);
  const candidate = scp ? `https://${scp[1]}/${scp[2]}` : text;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    throw new HttpError(400, `Invalid repository URL: expected an http(s) URL such as https://github.com/org/repo.git`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new HttpError(400, `Unsupported repository URL scheme "${parsed.protocol}": only http(s) URLs can be cloned`);
  }
  const auth =
    parsed.username || parsed.password
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
  parsed.username = "";
  parsed.password = "";
  parsed.hash = "";
  return { url: parsed.toString(), ...(auth ? { auth } : {}) };
}

/** A form for comparing remotes: no user info, lower-case host, no trailing "/" or ".git". */
export function comparableUrl(raw: string): string {
  try {
    const parsed = new URL(raw.trim());
    parsed.username = "";
    parsed.password = "";
    parsed.hash = "";
    parsed.search = "";
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, "").replace(/\.git$/, "")}`;
  } catch {
    return raw
      .trim()
      .replace(/\/+$/, "")
      .replace(/\.git$/, "");
  }
}

/**
 * The directory name a clone gets when none is given: the URL's last path segment without ".git".
 *
 * @example
 * repositoryNameFromUrl("https://github.com/org/app.git"); // "app"
 */
export function repositoryNameFromUrl(url: string): string {
  const path = new URL(url).pathname.replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1).replace(/\.git$/, "");
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The URL's host name, lower-case ("" when unparsable). */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
}
