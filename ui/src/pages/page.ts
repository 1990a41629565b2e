import type { FunctionComponent } from "preact";

/** What a view gets from the router: the path's `:params` and the hash's query string. */
export interface RouteProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

/**
 * One page of the UI: its entry in the navigation and the routes it answers. Adding a page
 * (tasks, desktop …) is one module exporting this, listed in ./index.ts — nothing else changes.
 *
 * @example
 * export const settingsPage: PageModule = { id: "settings", title: "Settings", path: "/settings", routes: [{ pattern: "/settings", view: Settings }] };
 */
export interface PageModule {
  id: string;
  /** The navigation label. */
  title: string;
  /** Where the navigation entry points; a route starting with it marks the entry current. */
  path: string;
  routes: { pattern: string; view: FunctionComponent<RouteProps> }[];
}
