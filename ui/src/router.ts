/**
 * Hash routing (`/#/runs/abc?status=failed`): the server serves the page at `/` only, so no UI
 * address can ever shadow an API route such as `GET /runs/:id`.
 */
import { useEffect, useState } from "preact/hooks";

export interface Location {
  /** "/runs/abc" */
  path: string;
  query: URLSearchParams;
}

export function currentLocation(): Location {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path = "/", search = ""] = raw.split("?", 2);
  return { path: path.startsWith("/") ? path : `/${path}`, query: new URLSearchParams(search) };
}

/** The href of a UI address, for `<a href>`: real links, so keyboard, middle-click and history work. */
export const href = (path: string, query?: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== "") search.set(name, String(value));
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ""}`;
};

export function navigate(path: string, query?: Record<string, string | number | undefined>, options: { replace?: boolean } = {}) {
  const target = href(path, query);
  if (options.replace) history.replaceState(null, "", target);
  else location.hash = target.slice(1);
  if (options.replace) window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useLocation(): Location {
  const [current, setCurrent] = useState(currentLocation);
  useEffect(() => {
    const update = () => setCurrent(currentLocation());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return current;
}

/** Matches "/runs/:id" against "/runs/abc" → {id: "abc"}; null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const value = have[index] as string;
    if (part.startsWith(":")) {
      try {
        params[part.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (part !== value) return null;
  }
  return params;
}
