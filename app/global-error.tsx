"use client";
/** Replaces the root layout when that itself fails: its own <html>, the same look, a way home. */
import Link from "next/link";
import "./globals.css";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="auth-page">
          <div className="card auth-card stack" role="alert" aria-labelledby="error-title">
            <title>Something went wrong · Keyhole</title>
            <h1 id="error-title">Something went wrong</h1>
            <p className="muted">Keyhole could not show this page. Try again; if it keeps happening, go back to the home page.</p>
            {error.digest ? <p className="muted small">Reference: <code>{error.digest}</code></p> : null}
            <p className="button-row">
              <button type="button" className="button button-primary" onClick={reset}>Try again</button>
              <Link href="/" className="button button-secondary">Go to the home page</Link>
            </p>
          </div>
        </main>
      </body>
    </html>
  );
}
