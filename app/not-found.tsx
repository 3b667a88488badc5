import type { Metadata } from "next";
import Link from "next/link";
import { Brand } from "./components/brand";

export const metadata: Metadata = { title: "Page not found", robots: { index: false } };

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="card auth-card stack">
        <Brand />
        <h1>Page not found</h1>
        <p className="muted">There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <p className="button-row">
          <Link href="/" className="button button-primary">Go to the home page</Link>
          <Link href="/notes" className="button button-secondary">Open your notes</Link>
        </p>
      </div>
    </main>
  );
}
