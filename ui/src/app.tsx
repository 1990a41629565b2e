import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, onUnauthorized, token } from "./api";
import { Login } from "./components/login";
import { ErrorNotice, Loading } from "./components/notice";
import { type PageModule, pages, type RouteProps } from "./pages";
import { href, matchPath, navigate, useLocation } from "./router";
import { type ThemeChoice, useTheme } from "./theme";

type Auth =
  | { state: "checking" }
  | { state: "login"; message?: string }
  | { state: "unreachable"; message: string }
  | { state: "ready"; required: boolean };

const REFUSED = "The server did not accept this token (401 Unauthorized). Check it against RUNNER_API_TOKENS and try again.";
const EXPIRED = "Your token is no longer accepted by the server (401 Unauthorized). Enter a valid token to continue.";

/** Asks the server whether `candidate` (or no token at all) may call the API. */
async function check(candidate: string | null): Promise<Auth> {
  try {
    await api.queueHealth({ token: candidate });
    return { state: "ready", required: candidate !== null };
  } catch (error) {
    if (error instanceof ApiError && error.unauthorized) return { state: "login" };
    return { state: "unreachable", message: (error as Error).message };
  }
}

function useAuth() {
  const [auth, setAuth] = useState<Auth>({ state: "checking" });
  const start = useCallback(async () => {
    setAuth({ state: "checking" });
    const stored = token.get();
    const result = await check(stored);
    if (result.state === "login" && stored) {
      token.clear();
      // A server without tokens needs none: try once without the stale one.
      const open = await check(null);
      setAuth(open.state === "ready" ? open : { state: "login", message: EXPIRED });
      return;
    }
    setAuth(result);
  }, []);

  useEffect(() => {
    onUnauthorized(() => {
      token.clear();
      setAuth({ state: "login", message: EXPIRED });
    });
    void start();
  }, [start]);

  const login = async (candidate: string) => {
    const result = await check(candidate);
    if (result.state === "ready") {
      token.set(candidate);
      setAuth(result);
    } else if (result.state === "login") setAuth({ state: "login", message: REFUSED });
    else setAuth(result);
  };
  const logout = () => {
    token.clear();
    setAuth({ state: "login", message: "You signed out. The token was removed from this tab." });
  };
  return { auth, login, logout, retry: start };
}

function resolve(
  path: string,
): { page: PageModule; view: RouteProps["params"]; View: PageModule["routes"][number]["view"] } | null {
  for (const page of pages) {
    for (const route of page.routes) {
      const params = matchPath(route.pattern, path);
      if (params) return { page, view: params, View: route.view };
    }
  }
  return null;
}

const THEME_LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };
const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };

function ThemeToggle() {
  const [theme, setTheme] = useTheme();
  return (
    <button
      type="button"
      class="button button-ghost theme-toggle"
      onClick={() => setTheme(NEXT_THEME[theme])}
      aria-label={`Colour theme: ${THEME_LABELS[theme]}. Switch to ${THEME_LABELS[NEXT_THEME[theme]]}.`}
      title={`Theme: ${THEME_LABELS[theme]}`}
    >
      <span class={`theme-icon theme-icon-${theme}`} aria-hidden="true" />
      <span class="theme-label">{THEME_LABELS[theme]}</span>
    </button>
  );
}

function Shell({ required, onLogout }: { required: boolean; onLogout: () => void }) {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(location.path);

  useEffect(() => {
    if (location.path === "/") navigate(pages[0]?.path ?? "/tasks", undefined, { replace: true });
  }, [location.path]);

  // Move focus to the new view on navigation (not on the first load), so keyboard and screen-reader
  // users land on it.
  useEffect(() => {
    if (firstPath.current === location.path) return;
    firstPath.current = location.path;
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.path]);

  const match = resolve(location.path);
  return (
    <>
      {/* A button, not <a href="#main">: the hash is the router's. */}
      <button type="button" class="skip-link" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href={href(pages[0]?.path ?? "/")}>
            <span class="brand-mark" aria-hidden="true">
              ›_
            </span>
            <span class="brand-name">cursor-runner</span>
          </a>
          <nav class="nav" aria-label="Main">
            <ul>
              {pages.map((page) => {
                const current = match?.page.id === page.id;
                return (
                  <li key={page.id}>
                    <a
                      href={href(page.path)}
                      class={current ? "nav-link current" : "nav-link"}
                      aria-current={current ? "page" : undefined}
                    >
                      {page.title}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div class="topbar-actions">
            <ThemeToggle />
            {required ? (
              <button type="button" class="button button-ghost" onClick={onLogout}>
                Sign out
              </button>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} class="content">
        {match ? (
          <match.View params={match.view} query={location.query} />
        ) : location.path === "/" ? null : (
          <div class="card">
            <h1>Page not found</h1>
            <p>
              Nothing lives at <code>#{location.path}</code>. <a href={href(pages[0]?.path ?? "/")}>Go to {pages[0]?.title}</a>.
            </p>
          </div>
        )}
      </main>
    </>
  );
}

export function App() {
  const { auth, login, logout, retry } = useAuth();
  if (auth.state === "checking")
    return (
      <main id="main" class="login">
        <Loading label="Connecting to cursor-runner…" />
      </main>
    );
  if (auth.state === "unreachable")
    return (
      <main id="main" class="login">
        <div class="card login-card">
          <h1>cursor-runner is not answering</h1>
          <ErrorNotice error={auth.message} />
          <button type="button" class="button button-primary" onClick={() => void retry()}>
            Try again
          </button>
        </div>
      </main>
    );
  if (auth.state === "login") return <Login message={auth.message} onSubmit={login} />;
  return <Shell required={auth.required} onLogout={logout} />;
}
