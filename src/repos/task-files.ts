// Node-only: writes a task's attached files into its workspace (node:fs).
import { constants } from "node:fs";
import { lstat, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TaskFile } from "../tasks/types";
import { excludeFromGit } from "./git-exclude";

export const TASK_FILES_DIR = ".task-files";

/**
 * Writes each file to `<workspace>/.task-files/<name>` (names were made plain at upload, so they
 * cannot leave the folder) and lists the folder in .git/info/exclude, so the uploads never end up
 * in the user's commits. Returns the workspace-relative paths written.
 *
 * @example
 * await writeTaskFiles("/repos/app", files); // [".task-files/spec.pdf"]
 */
export async function writeTaskFiles(workspace: string, files: TaskFile[]): Promise<string[]> {
  const dir = join(workspace, TASK_FILES_DIR);
  await mkdir(dir, { recursive: true });
  // Never follow a link an agent may have left there (out of the workspace).
  if (!(await lstat(dir)).isDirectory()) throw new Error(`${TASK_FILES_DIR} in the workspace is not a directory`);
  await excludeFromGit(workspace, [`/${TASK_FILES_DIR}/`], "# cursor-runner task attachments");
  const written: string[] = [];
  for (const file of files) {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
    await writeFile(join(dir, file.name), file.data, { mode: 0o600, flag: flags });
    written.push(`${TASK_FILES_DIR}/${file.name}`);
  }
  return written;
}
