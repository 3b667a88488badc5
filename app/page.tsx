import type { Metadata } from "next";
import Link from "next/link";
import { getBff } from "@/lib/wiring";
import { Brand } from "./components/brand";

export const metadata: Metadata = { title: { absolute: "Keyhole: sessions for your web app, tokens kept on the server" } };

/** What Keyhole is, for a visitor who has not signed in yet; a signed-in one gets a way to the notes. */
export default async function Home() {
  const session = await getBff().getCurrentSession();
  return (
    <>
      <header className="site-header">
        <Brand />
        <nav className="site-nav" aria-label="Account">
          {session ? (
            <Link href="/notes" className="button button-secondary">Open your notes</Link>
          ) : (
            <Link href="/login" className="button button-secondary">Sign in</Link>
          )}
        </nav>
      </header>
      <main className="page landing">
        <h1>Sign-in sessions for a web app on a JWT API, without tokens in the browser</h1>
        <p className="landing-lead">
          Keyhole is a backend-for-frontend: it signs your users in against a JWT API and keeps their access and refresh tokens on
          the server, sealed in one HTTP-only cookie. Page scripts never see a token, so a cross-site script has none to steal.
        </p>
        {session ? (
          <p className="button-row">
            <Link href="/notes" className="button button-primary">Go to your notes</Link>
          </p>
        ) : (
          <p className="button-row">
            <Link href="/register" className="button button-primary">Create an account</Link>
            <Link href="/login" className="button button-secondary">Sign in</Link>
          </p>
        )}
        <ul className="landing-points" aria-label="What it does">
          <li className="card">
            <h2>Tokens stay on the server</h2>
            <p className="muted small">The browser holds an encrypted, SameSite=Strict cookie; the server refreshes tokens and calls the API for it.</p>
          </li>
          <li className="card">
            <h2>Sign-out that really signs out</h2>
            <p className="muted small">Sign out one device or all of them, and their sessions stop on every server within about a second.</p>
          </li>
          <li className="card">
            <h2>An API for scripts too</h2>
            <p className="muted small">
              Personal access tokens with scopes for scripts; other services verify access tokens with the{" "}
              <a href="/.well-known/jwks.json">public keys</a>. See the <Link href="/docs/api">API reference</Link>.
            </p>
          </li>
        </ul>
      </main>
    </>
  );
}
