import { z } from "zod";
import { parseSecretKey } from "../secrets/cipher";
import { type BuildContext, type EnvValues, list } from "./parse";

const KEY_FORMAT = "expects 32 bytes as base64 or 64 hex characters (e.g. `openssl rand -base64 32`)";

const key = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const bytes = parseSecretKey(raw);
      if (!bytes) {
        ctx.addIssue({ code: "custom", message: KEY_FORMAT });
        return z.NEVER;
      }
      return bytes;
    });

/** Secrets at rest: the key that seals them, and earlier keys still accepted while rotating. */
export const secretsEnv = {
  SECRETS_KEY: key(),
  SECRETS_KEY_PREVIOUS: list().transform((items, ctx) =>
    items.map((item, index) => {
      const bytes = parseSecretKey(item);
      if (!bytes) ctx.addIssue({ code: "custom", message: `entry ${index + 1} ${KEY_FORMAT}` });
      return bytes ?? new Uint8Array(new ArrayBuffer(0));
    }),
  ),
};

export function secretsConfig(e: EnvValues<typeof secretsEnv>, _ctx: BuildContext) {
  return { secrets: { current: e.SECRETS_KEY, previous: e.SECRETS_KEY_PREVIOUS } };
}
