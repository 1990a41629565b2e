import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { HttpError } from "./errors";

/**
 * Turns the first zod issue into a 400 with a sentence a person can act on. Handler schemas carry
 * the original's exact messages (e.g. "Prompt is required and must be a non-empty string"); a
 * generic zod message is prefixed with the field it concerns.
 */
export function describeIssue(issue: z.core.$ZodIssue, target: string): string {
  const field = issue.path.map(String).join(".");
  if (!field) {
    return target === "json" ? `Request body must be a JSON object: ${issue.message}` : issue.message;
  }
  const last = String(issue.path[issue.path.length - 1]).toLowerCase();
  return issue.message.toLowerCase().includes(last) ? issue.message : `${field}: ${issue.message}`;
}

export const validationHook: Hook<any, any, any, any> = (result, _c) => {
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new HttpError(400, issue ? describeIssue(issue, result.target) : "Invalid request");
  }
};
