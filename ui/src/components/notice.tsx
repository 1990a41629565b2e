import type { ComponentChildren } from "preact";

/** An error the user can act on (the server's own sentence), announced as an alert. */
export function ErrorNotice({ error, title }: { error: Error | string | undefined; title?: string }) {
  if (!error) return null;
  const message = typeof error === "string" ? error : error.message;
  return (
    <div class="notice notice-error" role="alert">
      {title ? <strong>{title} </strong> : null}
      {message}
    </div>
  );
}

export function InfoNotice({ children }: { children: ComponentChildren }) {
  return <div class="notice notice-info">{children}</div>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function PageHeader({
  title,
  children,
  meta,
}: {
  title: ComponentChildren;
  children?: ComponentChildren;
  meta?: ComponentChildren;
}) {
  return (
    <div class="page-header">
      <div class="page-title">
        <h1>{title}</h1>
        {meta ? <div class="page-meta">{meta}</div> : null}
      </div>
      {children ? <div class="page-actions">{children}</div> : null}
    </div>
  );
}
