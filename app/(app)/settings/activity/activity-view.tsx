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
  account_deleted: "Account deleted",
};

/** Events a user should look at twice. */
const WARNINGS = new Set<string>(["sign_in_failed", "reauthentication_failed", "refresh_reuse_detected", "rate_limit_hit"]);

const REVOCATION_REASONS: Record<string, string> = {
  revoked_by_user: "signed out from your settings",
  password_changed: "because the password was changed",
  refresh_reuse: "because an old refresh token was used again",
  account_disabled: "because the account was disabled",
};

/** A run of this many failed sign-ins in a row (or more) is shown as one line. */
const FAILED_SIGN_IN_GROUP_MIN = 2;

type ActivityEntry = { kind: "event"; event: AuditEventDto } | { kind: "failed-sign-ins"; events: AuditEventDto[] };

/** Consecutive failed sign-ins become one entry; everything else stays as it is. */
function groupEvents(events: AuditEventDto[]): ActivityEntry[] {
  const entries: ActivityEntry[] = [];
  let run: AuditEventDto[] = [];
  const flush = () => {
    if (run.length >= FAILED_SIGN_IN_GROUP_MIN) entries.push({ kind: "failed-sign-ins", events: run });
    else entries.push(...run.map((event): ActivityEntry => ({ kind: "event", event })));
    run = [];
  };
  for (const event of events) {
    if (event.type === "sign_in_failed") {
      run.push(event);
      continue;
    }
    flush();
    entries.push({ kind: "event", event });
  }
  flush();
  return entries;
}

function label(type: string): string {
  return (LABELS as Record<string, string>)[type] ?? type.replaceAll("_", " ");
}

/** A revocation's detail: JSON naming the device signed out, or (older events) only the reason. */
function parseRevocation(detail: string): { reason: string; device: string | null } {
  try {
    const parsed: unknown = JSON.parse(detail);
    if (parsed && typeof parsed === "object" && "reason" in parsed) {
      const { reason, device } = parsed as { reason: unknown; device?: unknown };
      return { reason: String(reason), device: typeof device === "string" ? device : null };
    }
  } catch {
    // an event recorded before devices were named: the detail is the reason
  }
  return { reason: detail, device: null };
}

const LEGACY_TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The detail worth showing: a token's name, which device was signed out and why. Token ids are not shown. */
function detailText(event: AuditEventDto): string | null {
  if (!event.detail) return null;
  switch (event.type) {
    case "pat_created":
    case "pat_first_used":
      return `“${event.detail}”`;
    case "pat_revoked":
      return LEGACY_TOKEN_ID.test(event.detail) ? null : `“${event.detail}”`;
    case "session_revoked": {
      const { reason, device } = parseRevocation(event.detail);
      return [device, REVOCATION_REASONS[reason]].filter(Boolean).join(", ") || null;
    }
    case "sign_out":
      return parseRevocation(event.detail).device;
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
          {groupEvents(items).map((entry) =>
            entry.kind === "event" ? (
              <ActivityItem key={entry.event.id} event={entry.event} />
            ) : (
              <FailedSignInsItem key={entry.events[0]!.id} events={entry.events} />
            ),
          )}
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

function FailedSignInsItem({ events }: { events: AuditEventDto[] }) {
  const newest = events[0]!;
  const oldest = events[events.length - 1]!;
  const addresses = [...new Set(events.map((event) => event.ip ?? "unknown"))];
  const [from, to] = [formatDateTime(oldest.createdAt), formatDateTime(newest.createdAt)];
  return (
    <li className="activity-item activity-warning" data-type="sign_in_failed" data-count={events.length}>
      <div className="activity-head">
        <span className="activity-label">{events.length} failed sign-in attempts</span>
        <time className="activity-time" dateTime={newest.createdAt} title={formatDateTime(newest.createdAt)}>
          {formatRelative(newest.createdAt)}
        </time>
      </div>
      <p className="activity-meta">
        <span>{from === to ? to : `${from} – ${to}`}</span>
        <span>
          {addresses.length === 1 ? "IP" : "IPs"} {addresses.slice(0, 3).join(", ")}
          {addresses.length > 3 ? ` and ${addresses.length - 3} more` : ""}
        </span>
      </p>
    </li>
  );
}
