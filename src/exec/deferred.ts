/**
 * A promise with its resolve function outside it (Promise.withResolvers needs Node 22).
 *
 * @example
 * const started = deferred<number | undefined>();
 * started.resolve(child.pid);
 */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
