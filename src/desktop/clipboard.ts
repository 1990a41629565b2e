// Runtime-neutral: owns the CLIPBOARD selection with a tracked `xclip` process run through the executor.
import type { ProcessHandle } from "../exec/types";
import { HttpError } from "../http/errors";
import { type CommandContext, describeFailure, runCommand, startCommand } from "./commands";

/** xclip prints this (on stderr) once it owns the selection and serves requests. */
const READY = "Waiting for selection requests";

export interface ClipboardOptions {
  /** How long an xclip owner may serve the clipboard before it is ended (DESKTOP_CLIPBOARD_TTL_MS). */
  ttlMs: number;
  /** How long to wait for the new content to be readable back. Default 2 s. */
  settleMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An X selection lives only as long as its owner. `set()` starts `xclip -quiet` (it stays in the
 * foreground, serving paste requests) as an ordinary executor process with a hard limit of `ttlMs`,
 * ends the previous owner, waits until xclip says it is serving, and reads the clipboard back until
 * it holds exactly the text — so a paste that follows gets the new content, not the old. Nothing
 * escapes the executor's process-group bookkeeping; xclip also exits by itself when another
 * application takes the clipboard.
 *
 * @example
 * const clipboard = createClipboard(ctx, { ttlMs: 600_000 });
 * await clipboard.set("héllo");
 */
export function createClipboard(ctx: CommandContext, options: ClipboardOptions) {
  let owner: ProcessHandle | undefined;

  const stopOwner = () => {
    owner?.stop("cancelled", "Another text was put on the clipboard");
    owner = undefined;
  };

  const readBack = () =>
    runCommand(ctx, {
      command: "xclip",
      args: ["-selection", "clipboard", "-out"],
      maxOutputBytes: 8 * 1024 * 1024,
    }).then(
      ({ stdout }) => stdout,
      () => undefined, // nothing on the clipboard yet: xclip -o fails
    );

  return {
    async set(text: string): Promise<void> {
      stopOwner();
      const handle = startCommand(
        { ...ctx, timeoutMs: options.ttlMs },
        { command: "xclip", args: ["-selection", "clipboard", "-in", "-quiet"], stdin: text, maxOutputBytes: 1024 * 1024 },
      );
      owner = handle;
      let said = "";
      const ready = new Promise<boolean>((resolve) => {
        const off = handle.onOutput((chunk) => {
          said += chunk.text;
          if (said.includes(READY)) {
            off();
            resolve(true);
          }
        });
        void handle.result.then(() => resolve(false));
      });
      if (!(await ready)) {
        const result = await handle.result;
        throw (
          describeFailure(ctx, { command: "xclip" }, result) ?? new HttpError(502, "xclip stopped before serving the clipboard")
        );
      }
      // xclip announces itself just before its first flush: confirm the server sees the new owner.
      const deadline = Date.now() + (options.settleMs ?? 2_000);
      while ((await readBack()) !== text) {
        if (Date.now() > deadline) throw new HttpError(502, "The clipboard did not take the new text in time");
        await sleep(20);
      }
    },

    /** Ends the current owner (the clipboard then empties). */
    close: stopOwner,
  };
}

export type Clipboard = ReturnType<typeof createClipboard>;
