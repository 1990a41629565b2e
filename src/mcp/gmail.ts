/** §10.10's Gmail settings check: which of the required variables are missing (names only). */
const REQUIRED = ["GMAIL_CLIENT_ID", "GMAIL_CLIENT_SECRET", "GMAIL_REFRESH_TOKEN"] as const;

/**
 * @example
 * validateGmailConfig({ GMAIL_CLIENT_ID: "id" }); // { valid: false, missing: ["GMAIL_CLIENT_SECRET", "GMAIL_REFRESH_TOKEN"] }
 */
export function validateGmailConfig(env: Record<string, string | undefined>): { valid: boolean; missing: string[] } {
  const missing = REQUIRED.filter((name) => !env[name]);
  return { valid: missing.length === 0, missing };
}
