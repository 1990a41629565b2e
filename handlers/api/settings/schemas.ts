import { z } from "@hono/zod-openapi";

export const SettingSchema = z
  .object({
    name: z.string(),
    value: z.union([z.literal(0), z.literal(1)]),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("SystemSetting");

export const SettingNameParams = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, {
      error: "Setting name must be 1-64 letters, digits, '_', '-' or '.' (e.g. debug, gpt-review)",
    })
    .openapi({ param: { name: "name", in: "path" }, example: "debug" }),
});
