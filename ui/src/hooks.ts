import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for a view and keeps it while reloading. With `refreshMs`, reloads on that interval
 * while the tab is visible (lists that change under the user: runs, deliveries).
 *
 * @example
 * const runs = useResource((signal) => api.runs({ limit: 20 }, signal), [page], { refreshMs: 3000 });
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  options: { refreshMs?: number | undefined } = {},
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(() => setTick((value) => value + 1), []);
  const key = JSON.stringify(deps);
  const previousKey = useRef(key);

  useEffect(() => {
    const controller = new AbortController();
    if (previousKey.current !== key) {
      previousKey.current = key;
      setData(undefined);
    }
    setLoading(true);
    loader.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: Error) => {
        if (controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  useEffect(() => {
    if (!options.refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, options.refreshMs);
    return () => clearInterval(timer);
  }, [options.refreshMs, reload]);

  return { data, error, loading, reload };
}

/** Sets the document title for a view: "Runs · cursor-runner". */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · cursor-runner`;
  }, [title]);
}
