"use client";
/** What a page that failed to render shows instead. */
import { Brand } from "./components/brand";
import { ErrorCard } from "./components/error-card";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorCard digest={error.digest} reset={reset} top={<Brand />} message="This page could not be shown. Try again; if it keeps happening, go back to the home page." />;
}
