"use client";
import { useEffect, useRef, useState } from "react";
import { useRevokeOtherSessions, useRevokeSession, useSessions } from "@/lib/client/hooks/use-sessions";
import type { SessionDto } from "@/lib/shared/schemas";
import { errorText } from "../../errors";
import { formatDateTime, formatRelative } from "../format";
import { QueryStatus } from "../../query-status";
import { useConfirmStep } from "../../use-confirm-step";
import { ConfirmRow } from "@/app/components/confirm-row";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function SessionsView() {
  const sessions = useSessions();
  const revokeOthers = useRevokeOtherSessions();
  const { confirming: confirmingSignOutAll, askRef: askSignOutAllRef, confirmRef: confirmSignOutAllRef, ask: askSignOutAll, cancel: cancelSignOutAll, close: closeSignOutAll } = useConfirmStep();
  /** What the last sign-out did, announced in the live region below the list and focused. */
  const [signedOut, setSignedOut] = useState<{ message: string } | null>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const items = sessions.data ?? [];
  const others = items.filter((session) => !session.current).length;

  useEffect(() => {
    // The button is gone once no other device is left: move focus to the outcome.
    if (revokeOthers.isSuccess) statusRef.current?.focus();
    if (revokeOthers.isError) errorRef.current?.focus();
  }, [revokeOthers.isSuccess, revokeOthers.isError]);

  useEffect(() => {
    // The device's entry is gone with its button: focus the sentence that says so.
    if (signedOut) statusRef.current?.focus();
  }, [signedOut]);

  function signOutOthers() {
    setSignedOut(null);
    revokeOthers.mutate(undefined, { onSettled: closeSignOutAll });
  }

  const statusText = revokeOthers.isSuccess ? `Signed out ${plural(revokeOthers.data.revoked, "other device")}.` : (signedOut?.message ?? null);

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
              <SessionItem
                key={session.id}
                session={session}
                onSignedOut={(title) => {
                  revokeOthers.reset();
                  setSignedOut({ message: `Signed out ${title}.` });
                }}
              />
            ))}
          </ul>

          <section className="card settings-section" aria-labelledby="others-heading">
            <h2 id="others-heading">Other devices</h2>
            {others === 0 ? (
              <p className="muted small">You are not signed in anywhere else.</p>
            ) : confirmingSignOutAll ? (
              <ConfirmRow
                label="Sign out all other devices?"
                confirmText="Yes, sign them out"
                pendingText="Signing out…"
                pending={revokeOthers.isPending}
                onConfirm={signOutOthers}
                onCancel={cancelSignOutAll}
                confirmRef={confirmSignOutAllRef}
              >
                {others === 1 ? "The other device" : `All ${plural(others, "other device")}`} will be signed out at once and must sign in again.
                This device stays signed in.
              </ConfirmRow>
            ) : (
              <>
                <p className="muted small">
                  Signs out {others === 1 ? "the other device" : `all ${plural(others, "other device")}`}. This device stays signed in.
                </p>
                <div>
                  <button ref={askSignOutAllRef} type="button" className="button button-danger" onClick={askSignOutAll}>
                    {`Sign out all other devices (${others})`}
                  </button>
                </div>
              </>
            )}
            <p ref={errorRef} tabIndex={-1} role="alert" className={revokeOthers.isError ? "alert alert-error" : "visually-hidden"}>
              {revokeOthers.isError ? errorText(revokeOthers.error) : null}
            </p>
            <p ref={statusRef} tabIndex={-1} role="status" className={statusText ? "alert alert-info" : "visually-hidden"}>
              {statusText}
            </p>
          </section>
        </>
      ) : null}
    </>
  );
}

function SessionItem({ session, onSignedOut }: { session: SessionDto; onSignedOut: (title: string) => void }) {
  const revoke = useRevokeSession();
  const { confirming: confirmingSignOutOne, askRef: askSignOutOneRef, confirmRef: confirmSignOutOneRef, ask: askSignOutOne, cancel: cancelSignOutOne, close: closeSignOutOne } = useConfirmStep();
  const errorRef = useRef<HTMLParagraphElement>(null);
  const title = `${session.browser} · ${session.device}`;

  useEffect(() => {
    // The confirmation is gone: focus the reason it did not work.
    if (revoke.isError) errorRef.current?.focus();
  }, [revoke.isError]);

  function signOut() {
    revoke.mutate(session.id, {
      onSuccess: () => onSignedOut(title),
      onError: closeSignOutOne,
    });
  }

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
      {revoke.isError ? (
        <p ref={errorRef} tabIndex={-1} className="field-error" role="alert">
          {errorText(revoke.error, "This device was already signed out.")}
        </p>
      ) : null}
      {session.current ? null : confirmingSignOutOne ? (
        <ConfirmRow
          label={`Sign out ${title}?`}
          confirmText="Yes, sign out"
          pendingText="Signing out…"
          pending={revoke.isPending}
          onConfirm={signOut}
          onCancel={cancelSignOutOne}
          confirmRef={confirmSignOutOneRef}
        >
          That device will have to sign in again.
        </ConfirmRow>
      ) : (
        <div className="button-row">
          <button ref={askSignOutOneRef} type="button" className="button button-secondary" onClick={askSignOutOne} aria-label={`Sign out ${title}`}>
            Sign out
          </button>
        </div>
      )}
    </li>
  );
}
