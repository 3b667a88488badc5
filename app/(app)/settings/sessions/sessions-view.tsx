"use client";
import { useEffect, useRef } from "react";
import { useRevokeOtherSessions, useRevokeSession, useSessions } from "@/lib/client/hooks/use-sessions";
import type { SessionDto } from "@/lib/shared/schemas";
import { errorText } from "../../errors";
import { formatDateTime, formatRelative } from "../format";
import { QueryStatus } from "../../query-status";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function SessionsView() {
  const sessions = useSessions();
  const revokeOthers = useRevokeOtherSessions();
  const statusRef = useRef<HTMLParagraphElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const items = sessions.data ?? [];
  const others = items.filter((session) => !session.current).length;

  useEffect(() => {
    // The button is gone once no other device is left: move focus to the outcome.
    if (revokeOthers.isSuccess) statusRef.current?.focus();
    if (revokeOthers.isError) errorRef.current?.focus();
  }, [revokeOthers.isSuccess, revokeOthers.isError]);

  return (
    <>
      <h1>Signed-in devices</h1>
      <p className="muted">
        These browsers and devices are signed in to your account. Sign out any you don&apos;t recognise, then change your password.
      </p>

      <QueryStatus query={sessions} what="devices" />

      {sessions.isSuccess ? (
        <>
          <h2 className="visually-hidden">Devices</h2>
          <ul className="settings-list" aria-label="Signed-in devices">
            {items.map((session) => (
              <SessionItem key={session.id} session={session} />
            ))}
          </ul>

          <section className="card settings-section" aria-labelledby="others-heading">
            <h2 id="others-heading">Other devices</h2>
            {others === 0 ? (
              <p className="muted small">You are not signed in anywhere else.</p>
            ) : (
              <>
                <p className="muted small">
                  Signs out {others === 1 ? "the other device" : `all ${plural(others, "other device")}`}. This device stays signed in.
                </p>
                <div>
                  <button type="button" className="button button-danger" onClick={() => revokeOthers.mutate()} disabled={revokeOthers.isPending}>
                    {revokeOthers.isPending ? "Signing out…" : `Sign out all other devices (${others})`}
                  </button>
                </div>
              </>
            )}
            <p ref={errorRef} tabIndex={-1} role="alert" className={revokeOthers.isError ? "alert alert-error" : "visually-hidden"}>
              {revokeOthers.isError ? errorText(revokeOthers.error) : null}
            </p>
            <p ref={statusRef} tabIndex={-1} role="status" className={revokeOthers.isSuccess ? "alert alert-info" : "visually-hidden"}>
              {revokeOthers.isSuccess ? `Signed out ${plural(revokeOthers.data.revoked, "other device")}.` : null}
            </p>
          </section>
        </>
      ) : null}
    </>
  );
}

function SessionItem({ session }: { session: SessionDto }) {
  const revoke = useRevokeSession();
  const title = `${session.browser} · ${session.device}`;
  return (
    <li className="settings-item" aria-busy={revoke.isPending}>
      <div className="settings-item-head">
        <h3 className="settings-item-title">
          {session.browser} <span className="muted">· {session.device}</span>
        </h3>
        {session.current ? <span className="badge badge-ok">This device</span> : null}
      </div>
      <dl className="meta-list">
        <div>
          <dt>IP address</dt>
          <dd>{session.ip ?? "Unknown"}</dd>
        </div>
        <div>
          <dt>Signed in</dt>
          <dd><time dateTime={session.createdAt}>{formatDateTime(session.createdAt)}</time></dd>
        </div>
        <div>
          <dt>Last active</dt>
          <dd>
            {session.current ? "Now" : <time dateTime={session.lastActiveAt} title={formatDateTime(session.lastActiveAt)}>{formatRelative(session.lastActiveAt)}</time>}
          </dd>
        </div>
      </dl>
      {revoke.isError ? <p className="field-error" role="alert">{errorText(revoke.error, "This device was already signed out.")}</p> : null}
      {session.current ? null : (
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={() => revoke.mutate(session.id)} disabled={revoke.isPending} aria-label={`Sign out ${title}`}>
            {revoke.isPending ? "Signing out…" : "Sign out"}
          </button>
        </div>
      )}
    </li>
  );
}
