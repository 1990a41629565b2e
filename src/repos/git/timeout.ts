import { HttpError } from "../../http/errors";

/**
 * Runs `work` with an AbortSignal and a deadline (GIT_COMMAND_TIMEOUT). At the deadline the signal
 * aborts (cutting HTTP transfers) and the caller gets a 504 at once, even if local work lingers.
 *
 * @example
 * await withTimeout(60_000, "git clone", (signal) => git.clone({ ..., http: withSignal(signal) }));
 */
export async function withTimeout<T>(ms: number, label: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`${label} timed out`));
      reject(new HttpError(504, `${label} timed out after ${ms}ms (GIT_COMMAND_TIMEOUT)`));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
