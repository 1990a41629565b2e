import { useEffect, useRef, useState } from "preact/hooks";

/**
 * Asks for the API token once per browser session. `message` says why it is asked (a refused
 * token, an expired one); the field keeps focus so the user can type at once.
 */
export function Login({ message, onSubmit }: { message: string | undefined; onSubmit: (token: string) => Promise<void> }) {
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // The token field is the page's only purpose: put the cursor there (again after a refusal).
  useEffect(() => input.current?.focus(), [message]);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!value.trim()) return;
    setBusy(true);
    try {
      await onSubmit(value.trim());
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login" tabIndex={-1}>
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="brand brand-large" aria-hidden="true">
          <span class="brand-mark">›_</span>
        </div>
        <h1 id="login-title">Sign in to cursor-runner</h1>
        <p class="muted">
          This server requires an API token (one of its <code>RUNNER_API_TOKENS</code>). It is kept in this browser tab only,
          until you close it or sign out.
        </p>
        {message ? (
          <div class="notice notice-error" role="alert">
            {message}
          </div>
        ) : null}
        <label class="field">
          <span>API token</span>
          <input
            type="password"
            name="token"
            autoComplete="current-password"
            ref={input}
            required
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button button-primary" disabled={busy || !value.trim()}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
