"use client";
/** What a page that failed to render shows instead: never the error itself, at most its reference. */
import Link from "next/link";
import { Brand } from "./components/brand";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="auth-page">
      <div className="card auth-card stack" role="alert" aria-labelledby="error-title">
        <Brand />
        <h1 id="error-title">Something went wrong</h1>
        <p className="muted">This page could not be shown. Try again; if it keeps happening, go back to the home page.</p>
        {error.digest ? <p className="muted small">Reference: <code>{error.digest}</code></p> : null}
        <p className="button-row">
          <button type="button" className="button button-primary" onClick={reset}>Try again</button>
          <Link href="/" className="button button-secondary">Go to the home page</Link>
        </p>
      </div>
    </main>
  );
}
