"use client";
import { useActivity } from "@/lib/client/hooks/use-activity";
import type { AuditEventType } from "@/lib/shared/audit-event-types";
import type { AuditEventDto } from "@/lib/shared/schemas";
import { errorText } from "../../errors";
import { describeUserAgent, formatDateTime, formatRelative } from "../format";
import { QueryStatus } from "../../query-status";

const LABELS: Record<AuditEventType, string> = {
  sign_in: "Signed in",
  sign_in_failed: "Failed sign-in attempt",
  sign_out: "Signed out",
  refresh_reuse_detected: "Stolen session suspected: session ended",
  session_revoked: "Device signed out",
  password_changed: "Password changed",
  reauthenticated: "Password confirmed for a sensitive action",
  reauthentication_failed: "Wrong password when confirming a sensitive action",
  user_registered: "Account created",
  rate_limit_hit: "Too many attempts: temporarily blocked",
  pat_created: "Access token created",
  pat_revoked: "Access token revoked",
  pat_first_used: "Access token used for the first time",
};

/** Events a user should look at twice. */
const WARNINGS = new Set<string>(["sign_in_failed", "reauthentication_failed", "refresh_reuse_detected", "rate_limit_hit"]);

const REVOCATION_REASONS: Record<string, string> = {
  revoked_by_user: "signed out from your settings",
  password_changed: "because the password was changed",
  refresh_reuse: "because an old refresh token was used again",
  account_disabled: "because the account was disabled",
};

function label(type: string): string {
  return (LABELS as Record<string, string>)[type] ?? type.replaceAll("_", " ");
}

/** The detail worth showing: a token's name, why a session ended. Token ids are not shown. */
function detailText(event: AuditEventDto): string | null {
  if (!event.detail) return null;
  switch (event.type) {
    case "pat_created":
    case "pat_first_used":
      return `“${event.detail}”`;
    case "session_revoked":
      return REVOCATION_REASONS[event.detail] ?? null;
    case "rate_limit_hit":
      return event.detail === "sign_in" ? "sign-in" : event.detail.replaceAll("_", " ");
    default:
      return null;
  }
}

export function ActivityView() {
  const activity = useActivity();
  const items = activity.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <h1>Account activity</h1>
      <p className="muted">Security events on your account, newest first. If something here wasn&apos;t you, change your password.</p>

      <QueryStatus query={activity} what="activity" />
      {activity.isSuccess && items.length === 0 ? <p className="empty">No activity yet.</p> : null}

      {items.length > 0 ? (
        <ol className="activity-list" aria-label="Activity, newest first">
          {items.map((event) => (
            <ActivityItem key={event.id} event={event} />
          ))}
        </ol>
      ) : null}
      {activity.isFetchNextPageError ? (
        <p className="alert alert-error" role="alert">Older events could not be loaded. {errorText(activity.error)}</p>
      ) : null}
      {activity.hasNextPage ? (
        <p className="activity-more">
          <button type="button" className="button button-secondary" onClick={() => activity.fetchNextPage()} disabled={activity.isFetchingNextPage}>
            {activity.isFetchingNextPage ? "Loading…" : "Show older"}
          </button>
        </p>
      ) : null}
    </>
  );
}

function ActivityItem({ event }: { event: AuditEventDto }) {
  const detail = detailText(event);
  const browser = describeUserAgent(event.userAgent);
  const warning = WARNINGS.has(event.type);
  return (
    <li className={warning ? "activity-item activity-warning" : "activity-item"} data-type={event.type}>
      <div className="activity-head">
        <span className="activity-label">
          {label(event.type)}
          {detail ? <span className="muted"> {detail}</span> : null}
        </span>
        <time className="activity-time" dateTime={event.createdAt} title={formatDateTime(event.createdAt)}>
          {formatRelative(event.createdAt)}
        </time>
      </div>
      <p className="activity-meta">
        <span>{formatDateTime(event.createdAt)}</span>
        <span>IP {event.ip ?? "unknown"}</span>
        {browser ? <span>{browser}</span> : null}
      </p>
    </li>
  );
}
