"use client";
/** Replaces the root layout when that itself fails: its own <html>, the same look, a way home. */
import { ErrorCard } from "./components/error-card";
import "./globals.css";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <ErrorCard
          digest={error.digest}
          reset={reset}
          top={<title>Something went wrong · Keyhole</title>}
          message="Keyhole could not show this page. Try again; if it keeps happening, go back to the home page."
        />
      </body>
    </html>
  );
}
