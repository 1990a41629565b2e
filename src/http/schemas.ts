import { z } from "@hono/zod-openapi";

/** The error envelope every failing route answers with (§2.3). */
export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ example: "Task not found" }),
    requestId: z.string().optional(),
    timestamp: z.string().optional(),
  })
  .openapi("Error");

export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** Responses every authenticated route may give, declared once. */
export const commonErrors = {
  401: errorResponse("Missing or wrong bearer token (only when RUNNER_API_TOKENS is set)"),
} as const;

/**
 * Lenient integer parsing, as the original's parseInt (`"12abc"` → 12), for path and query values.
 * Fails with `message` when no number can be read.
 */
export const lenientInt = (message: string) =>
  z.string().transform((raw, ctx) => {
    const value = Number.parseInt(raw, 10);
    if (Number.isNaN(value)) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return value;
  });

/** Computer use's status, as `/health/queue` and `/desktop/status` report it. */
export const DesktopHealthSchema = z
  .object({
    enabled: z.boolean(),
    available: z.boolean(),
    display: z.string().optional(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    error: z.string().optional(),
  })
  .openapi({ description: "Computer use: switched on (DESKTOP_ENABLED), and whether its X display answers" });
