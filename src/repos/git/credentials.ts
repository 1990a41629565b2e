import type { Client } from "@libsql/client";
import { HttpError } from "../../http/errors";
import { type SecretCipher, SecretKeyError } from "../../secrets/cipher";
import { comparableUrl, hostOf } from "./url";

/** Basic-auth credentials handed to isomorphic-git's onAuth; held in memory only. */
export interface GitAuth {
  username: string;
  password: string;
}

/** Where a credential came from, for logs (never the secret itself). */
export interface FoundCredential {
  auth: GitAuth;
  source: string;
}

export interface CredentialLookup {
  /** Best credential for a remote: table row by URL (exact, then longest prefix), by name, then env. */
  find(remoteUrl: string, repositoryName?: string): Promise<FoundCredential | undefined>;
}

export interface EnvCredential {
  token?: string;
  username?: string;
  /** Hosts (and their subdomains) the env token may be sent to. */
  tokenHosts: string[];
}

interface Row {
  name: string;
  username: string | null;
  password: string | null;
  token: string | null;
  repository_url: string | null;
}

/** GitHub and most forges accept any user name with a token; this is the conventional one. */
const TOKEN_USERNAME = "x-access-token";

/**
 * Credentials from the git_credentials table (active rows only) or the environment (§10.4:
 * GITHUB_TOKEN/GITHUB_PAT/GIT_TOKEN + GITHUB_USERNAME/GIT_USERNAME). Rows are read per lookup, so
 * a credential added through the database needs no restart.
 *
 * @example
 * const lookup = createCredentialLookup(db, { token: config.git.token, tokenHosts: ["github.com"] });
 * const found = await lookup.find("https://github.com/org/app.git", "app");
 */
export function createCredentialLookup(db: Client, env: EnvCredential, cipher?: SecretCipher): CredentialLookup {
  return {
    async find(remoteUrl, repositoryName) {
      const result = await db.execute(
        "SELECT id, name, username, password, token, repository_url FROM git_credentials WHERE active = 1 ORDER BY id",
      );
      const rows = result.rows as unknown as Row[];
      const row = pickRow(rows, remoteUrl, repositoryName);
      if (row) {
        const stored = row.token ?? row.password;
        if (stored) {
          // Sealed at rest with SECRETS_KEY (src/secrets); a plaintext row is read as it is.
          const secret = cipher ? await openSecret(cipher, stored, row.name) : stored;
          return {
            auth: { username: row.username ?? env.username ?? TOKEN_USERNAME, password: secret },
            source: `table:${row.name}`,
          };
        }
      }
      if (env.token && hostAllowed(hostOf(remoteUrl), env.tokenHosts)) {
        return { auth: { username: env.username ?? TOKEN_USERNAME, password: env.token }, source: "env" };
      }
      return undefined;
    },
  };
}

/** A secret that cannot be opened is the runner's misconfiguration (its keys), said as such: 503. */
async function openSecret(cipher: SecretCipher, stored: string, name: string): Promise<string> {
  try {
    return await cipher.open(stored);
  } catch (error) {
    if (!(error instanceof SecretKeyError)) throw error;
    throw new HttpError(
      503,
      `The git_credentials row '${name}' cannot be opened: ${error.message}; set SECRETS_KEY (and SECRETS_KEY_PREVIOUS while rotating) to the key it was sealed with`,
    );
  }
}

function pickRow(rows: Row[], remoteUrl: string, repositoryName?: string): Row | undefined {
  const target = comparableUrl(remoteUrl);
  const usable = rows.filter((row) => row.token || row.password);
  const exact = usable.find((row) => row.repository_url && comparableUrl(row.repository_url) === target);
  if (exact) return exact;
  // A row for "https://github.com/acme" covers every repository of acme (prefix on a "/" boundary).
  const prefixes = usable
    .filter((row) => row.repository_url && target.startsWith(`${comparableUrl(row.repository_url)}/`))
    .sort((a, b) => (b.repository_url?.length ?? 0) - (a.repository_url?.length ?? 0));
  if (prefixes[0]) return prefixes[0];
  return repositoryName ? usable.find((row) => row.name === repositoryName) : undefined;
}

function hostAllowed(host: string, allowed: string[]): boolean {
  return allowed.some((entry) => {
    const wanted = entry.toLowerCase();
    return host === wanted || host.endsWith(`.${wanted}`);
  });
}
