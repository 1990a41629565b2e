/** Callback URL rules: the `?secret=` convention (§3.2), the host allow-list, the ElevenLabs test (§10.10). */

export class CallbackUrlError extends Error {
  override name = "CallbackUrlError";
}

/**
 * Splits a callback URL into the URL to store and call (without `secret`) and the secret it carried.
 * Throws CallbackUrlError for anything but an absolute http(s) URL; the message never echoes the URL,
 * which may hold the secret.
 *
 * @example
 * splitSecret("https://app/cb?secret=s3&x=1"); // { url: "https://app/cb?x=1", secret: "s3" }
 */
export function splitSecret(raw: string): { url: string; secret: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new CallbackUrlError("Callback URL must be an absolute http(s) URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new CallbackUrlError(`Callback URL must use http or https, not ${parsed.protocol.replace(/:$/, "")}`);
  }
  const secret = parsed.searchParams.get("secret") || undefined;
  parsed.searchParams.delete("secret");
  return { url: parsed.toString(), secret };
}

/**
 * Whether secrets may be sent to this URL's host. An empty list allows every host (the original's
 * behaviour). Entries match the hostname, or `host:port`; `*.example.com` also matches subdomains.
 *
 * @example
 * isHostAllowed("https://app.internal/cb", ["app.internal"]); // true
 */
export function isHostAllowed(url: string, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.length === 0) return true;
  let hostname: string;
  let host: string;
  try {
    ({ hostname, host } = new URL(url));
  } catch {
    return false;
  }
  return allowedHosts.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    if (wanted.startsWith("*.")) return hostname.endsWith(wanted.slice(1));
    return wanted === hostname || wanted === host;
  });
}

/**
 * §10.10: hostname contains `elevenlabs-agent`, or the path contains `/callback` and the hostname
 * contains `elevenlabs`. An unparsable URL is not one.
 */
export function isElevenLabsCallbackUrl(url: string): boolean {
  try {
    const { hostname, pathname } = new URL(url);
    const host = hostname.toLowerCase();
    return host.includes("elevenlabs-agent") || (pathname.includes("/callback") && host.includes("elevenlabs"));
  } catch {
    return false;
  }
}
