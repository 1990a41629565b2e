import type { Client, Row } from "@libsql/client";
import type { TaskFile } from "./types";

const toFile = (row: Row): TaskFile => ({
  id: String(row.id),
  taskId: String(row.task_id),
  name: String(row.name),
  type: String(row.type),
  size: Number(row.size),
  data: row.data instanceof ArrayBuffer ? new Uint8Array(row.data) : new Uint8Array(row.data as unknown as ArrayBufferLike),
  createdAt: String(row.created_at),
});

/** Files attached to tasks (§1.4), stored as bytes in libSQL. */
export function createTaskFiles(db: Client) {
  return {
    async list(taskId: string): Promise<TaskFile[]> {
      const result = await db.execute({
        sql: "SELECT * FROM task_files WHERE task_id = ? ORDER BY created_at, name",
        args: [taskId],
      });
      return result.rows.map((row) => toFile(row));
    },
  };
}

export type TaskFiles = ReturnType<typeof createTaskFiles>;

/** Bytes of a base64 string (a `data:…;base64,` prefix is stripped, §1.4); null when it is not base64. */
export function decodeBase64(input: string): Uint8Array | null {
  const body = input.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) return null;
  try {
    const binary = atob(body);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** base64 of bytes, in chunks so large files do not blow the argument limit of String.fromCharCode. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The name itself when it is a plain file name (no directories, no control characters), else null. */
export function safeFileName(name: string): string | null {
  const base = name.trim();
  if (!base || base === "." || base === ".." || base.length > 255 || /[\\/]/.test(base)) return null;
  for (const char of base) if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) return null;
  return base;
}
