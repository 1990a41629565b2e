import { z } from "@hono/zod-openapi";
import type { AttemptRecord, Delivery } from "../../../src/callbacks";
import { redactUrl } from "../../../src/log";

export const MESSAGES = {
  filterRequired: "runId query parameter is required (or requestId), e.g. /api/callbacks?runId=<run id>",
  notFound: "Callback delivery not found",
} as const;

export const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    startedAt: z.string(),
    durationMs: z.number().int(),
    httpStatus: z.number().int().nullable(),
    error: z.string().nullable().openapi({ example: "Webhook returned 503: Service Unavailable" }),
  })
  .openapi("CallbackAttempt");

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: "Also sent as X-Runner-Delivery, so receivers can drop duplicates" }),
    runId: z.string().nullable(),
    requestId: z.string().nullable(),
    url: z.string().openapi({ description: "Without the `secret` parameter; other secret-looking parameters masked" }),
    payload: z.string().openapi({ description: "The exact JSON body sent" }),
    status: z.enum(["pending", "delivered", "failed", "skipped"]),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: z.string(),
    claimedBy: z.string().nullable(),
    claimedUntil: z.string().nullable(),
    lastError: z.string().nullable(),
    hasSecret: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi("CallbackDelivery");

export const DeliveryWithAttemptsSchema = DeliverySchema.extend({ attemptLog: z.array(AttemptSchema) }).openapi(
  "CallbackDeliveryWithAttempts",
);

/** The API view of a delivery: the URL masked for display (the secret itself was never stored in it). */
export const toApiDelivery = (delivery: Delivery) => ({ ...delivery, url: redactUrl(delivery.url) });

export const toApiAttempt = ({ attempt, startedAt, durationMs, httpStatus, error }: AttemptRecord) => ({
  attempt,
  startedAt,
  durationMs,
  httpStatus,
  error,
});
