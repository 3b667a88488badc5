"use client";
/** What a page that failed shows instead: never the error itself, at most its reference, and a way on. */
import Link from "next/link";
import type { ReactNode } from "react";

export function ErrorCard({ digest, reset, message, top }: { digest?: string; reset: () => void; message: string; top?: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="card auth-card stack" role="alert" aria-labelledby="error-title">
        {top}
        <h1 id="error-title">Something went wrong</h1>
        <p className="muted">{message}</p>
        {digest ? <p className="muted small">Reference: <code>{digest}</code></p> : null}
        <p className="button-row">
          <button type="button" className="button button-primary" onClick={reset}>Try again</button>
          <Link href="/" className="button button-secondary">Go to the home page</Link>
        </p>
      </div>
    </main>
  );
}
