"use client";
import { errorText } from "./errors";

interface ListQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** What a list page shows until its query has data: a loading line, or the error with a way to try again. */
export function QueryStatus({ query, what }: { query: ListQuery; what: string }) {
  if (query.isPending) return <p className="empty" role="status">Loading your {what}…</p>;
  if (!query.isError) return null;
  return (
    <p className="alert alert-error" role="alert">
      Your {what} could not be loaded. {errorText(query.error)}{" "}
      <button type="button" className="button-link" onClick={() => query.refetch()}>Try again</button>
    </p>
  );
}
