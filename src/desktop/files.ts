// Runtime-neutral: read_file and write_file (B§4.4) confined to DESKTOP_FILES_ROOT, done with small
// coreutils commands through the executor (argv only: no shell, no path ever inside a command string),
// so they work wherever the desktop is — locally or on the sidecar's host.
import { base64ByteLength } from "../exec/base64";
import { HttpError } from "../http/errors";
import { type CommandContext, runCommand } from "./commands";
import { mediaTypeOf } from "./media-types";
import { basename, dirname, isInside, normalizeAbsolute } from "./paths";

export interface FilesOptions {
  /** DESKTOP_FILES_ROOT, absolute. Relative paths resolve against it. */
  root: string;
  /** DESKTOP_MAX_FILE_BYTES: largest file read or written. */
  maxBytes: number;
}

export interface ReadFileResult {
  success: true;
  data: string;
  name: string;
  size: number;
  mediaType: string;
}

export interface WriteFileResult {
  success: true;
  message: string;
}

const outside = (path: string) => new HttpError(403, `Refused: ${path} is outside the desktop's files root (DESKTOP_FILES_ROOT)`);

/**
 * File actions inside one root. Every path is resolved twice: lexically (".." cannot climb out, an
 * absolute path must lie inside the root) and then on the executor's host with `realpath -m`, so a
 * symbolic link inside the root that points out of it is refused too. Reads check the file with
 * `stat` (a regular file, within the size cap) and take its bytes with `cat`; writes create the
 * parent directories with `mkdir -p` and the file with `dd oflag=nofollow` (a link swapped in at the
 * last component is not followed).
 *
 * @example
 * const files = createFiles(ctx, { root: "/home/user/Desktop", maxBytes: 5 * 1024 * 1024 });
 * await files.write("notes/todo.txt", btoa("milk"));
 * const { data } = await files.read("notes/todo.txt");
 */
export function createFiles(ctx: CommandContext, options: FilesOptions) {
  const root = normalizeAbsolute(options.root);

  /** The real (symlink-free) path of `path`, strictly inside the real root, or a 403. */
  const resolve = async (path: string): Promise<string> => {
    const lexical = normalizeAbsolute(path.startsWith("/") ? path : `${root}/${path}`);
    if (lexical === root) throw new HttpError(400, `path must name a file inside the files root, not the root itself`);
    if (!isInside(root, lexical)) throw outside(path);
    const { stdout } = await runCommand(ctx, { command: "realpath", args: ["-z", "-m", "--", root, lexical] });
    const [realRoot, real] = stdout.split("\0");
    if (!realRoot || !real || !isInside(realRoot, real)) throw outside(path);
    return real;
  };

  const tooLarge = (path: string, size: number) =>
    new HttpError(
      413,
      `${path} is ${size} bytes; files of at most ${options.maxBytes} bytes can be read or written (DESKTOP_MAX_FILE_BYTES)`,
    );

  return {
    root,
    resolve,

    async read(path: string): Promise<ReadFileResult> {
      const real = await resolve(path);
      let info: string;
      try {
        info = (await runCommand(ctx, { command: "stat", args: ["--printf=%s:%F", "--", real] })).stdout;
      } catch (error) {
        if (error instanceof HttpError && /no such file|not a directory/i.test(error.message)) {
          throw new HttpError(404, `File not found: ${path}`);
        }
        throw error;
      }
      const colon = info.indexOf(":");
      const size = Number(info.slice(0, colon));
      if (!info.slice(colon + 1).startsWith("regular"))
        throw new HttpError(400, `${path} is not a regular file (${info.slice(colon + 1)})`);
      if (size > options.maxBytes) throw tooLarge(path, size);
      const { stdout } = await runCommand(ctx, {
        command: "cat",
        args: ["--", real],
        stdoutEncoding: "base64",
        maxOutputBytes: options.maxBytes,
      });
      const name = basename(real);
      return { success: true, data: stdout, name, size: base64ByteLength(stdout), mediaType: mediaTypeOf(name) };
    },

    async write(path: string, data: string): Promise<WriteFileResult> {
      const size = base64ByteLength(data);
      if (size > options.maxBytes) throw tooLarge(path, size);
      const real = await resolve(path);
      try {
        await runCommand(ctx, { command: "mkdir", args: ["-p", "--", dirname(real)] });
      } catch (error) {
        if (error instanceof HttpError && /not a directory|file exists/i.test(error.message)) {
          throw new HttpError(400, `Cannot write ${path}: one of its parent directories is a file`);
        }
        throw error;
      }
      try {
        await runCommand(ctx, {
          command: "dd",
          args: [`of=${real}`, "oflag=nofollow", "status=none"],
          stdin: data,
          stdinEncoding: "base64",
        });
      } catch (error) {
        if (error instanceof HttpError && /is a directory/i.test(error.message))
          throw new HttpError(400, `${path} is a directory`);
        if (error instanceof HttpError && /too many levels of symbolic links/i.test(error.message)) throw outside(path);
        throw error;
      }
      return { success: true, message: `File written successfully to: ${path}` };
    },
  };
}

export type Files = ReturnType<typeof createFiles>;
