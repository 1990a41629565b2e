const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after every earlier piece of work on the same repository directory has settled, so
 * a pull and a checkout never interleave on one working tree (within this process).
 *
 * @example
 * await withRepositoryLock(dir, () => git.checkout({ fs, dir, ref }));
 */
export async function withRepositoryLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(dir) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  tails.set(dir, tail);
  try {
    return await run;
  } finally {
    if (tails.get(dir) === tail) tails.delete(dir);
  }
}
