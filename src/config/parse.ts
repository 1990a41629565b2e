import { z } from "zod";

/** A configuration problem; its message is one line naming the variable and what it expects. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The parsed values of one section's variables. */
export type EnvValues<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;

/** What every section builder may need besides its own variables. */
export interface BuildContext {
  /** Base for relative defaults (`./data`, `./repositories`). */
  cwd: string;
}

/** A positive (or non-negative) integer variable with a default. */
export const int = (what: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const trimmed = raw.trim();
      const value = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
        ctx.addIssue({ code: "custom", message: `expects ${range} (${what}), got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/** A boolean flag: true/false, 1/0, yes/no, on/off in any case. */
export const flag = (fallback = false) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = raw.trim().toLowerCase();
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      ctx.addIssue({ code: "custom", message: `expects true or false (also 1/0, yes/no, on/off), got "${raw}"` });
      return z.NEVER;
    });

export const text = () => z.string().optional();

export const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = raw.trim().toLowerCase() as T;
      if (values.includes(value)) return value;
      ctx.addIssue({ code: "custom", message: `expects one of ${values.join(", ")}, got "${raw}"` });
      return z.NEVER;
    });

export const url = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      try {
        return new URL(raw).toString();
      } catch {
        ctx.addIssue({ code: "custom", message: `expects an absolute URL such as http://host:port, got "${raw}"` });
        return z.NEVER;
      }
    });

export const list = () =>
  z
    .string()
    .optional()
    .transform((raw) =>
      (raw ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    );

/** `relative` under `base`, unless it is absolute already. */
export function joinPath(base: string, relative: string): string {
  if (relative.startsWith("/")) return relative;
  return `${base.replace(/\/+$/, "")}/${relative.replace(/^\.\//, "")}`;
}
