"use client";
/**
 * Warns before the idle deadline, lets the user stay, and signs out on expiry. Tabs share
 * sign-outs and activity through lib/client/session-events. Typing in a field is activity too
 * (someone writing a long note makes no request for minutes): it extends the session, at most once
 * per EXTEND_ON_TYPING_MS, and the warning never takes the focus away from that field.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { bffFetch } from "@/lib/client/bff-fetch";
import { onSessionEvent } from "@/lib/client/session-events";

interface SessionView {
  idleExpiresAt: string;
  idleTimeoutSeconds: number;
}

const WARNING_MS = 60_000;
const POLL_MS = 30_000;
/** At most one extension per this long while typing (or a sixth of a short timeout). */
const EXTEND_ON_TYPING_MS = 30_000;

/** Whether the user is typing into this element (a field, or an editable region). */
function isTextEntry(element: Element | null): boolean {
  if (!(element instanceof HTMLElement)) return false;
  return element.isContentEditable || element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement;
}

function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function IdleWatcher() {
  const [session, setSession] = useState<{ deadlineMs: number; timeoutMs: number } | null>(null);
  const [nowMs, setNowMs] = useState(() => Date.now());
  const stayButton = useRef<HTMLButtonElement>(null);

  const refresh = useCallback(async (extend = false) => {
    // A 401 here means the session is over: bffFetch takes the user to the login page.
    const view = await bffFetch<SessionView>(extend ? "/bff/session" : "/bff/session?extend=false");
    setSession({ deadlineMs: Date.parse(view.idleExpiresAt), timeoutMs: view.idleTimeoutSeconds * 1000 });
  }, []);

  useEffect(() => {
    // refresh() sets state only after its fetch resolves, not synchronously as the rule assumes.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    refresh().catch(() => undefined);
    const unsubscribe = onSessionEvent((event) => {
      if (event === "signed-out") window.location.assign("/login?notice=signed-out");
      else refresh().catch(() => undefined);
    });
    const tick = setInterval(() => setNowMs(Date.now()), 1000);
    return () => {
      unsubscribe();
      clearInterval(tick);
    };
  }, [refresh]);

  const deadlineMs = session?.deadlineMs ?? Infinity;
  const timeoutMs = session?.timeoutMs ?? Infinity;
  const remainingMs = deadlineMs - nowMs;
  // Short timeouts (tests, demos) get proportionally shorter warnings and polls.
  const warningMs = Math.min(WARNING_MS, timeoutMs / 3);
  const pollMs = Math.min(POLL_MS, timeoutMs / 6);
  const warning = remainingMs <= warningMs;

  // Poll while quiet (another tab may have extended), and re-check at the deadline: if it has
  // really passed, the server answers 401 and bffFetch goes to /login with a message.
  useEffect(() => {
    if (!session) return;
    const untilDeadlineMs = session.deadlineMs - Date.now();
    const timer = setTimeout(() => refresh().catch(() => undefined), untilDeadlineMs <= 0 ? 1000 : Math.min(pollMs, untilDeadlineMs));
    return () => clearTimeout(timer);
  }, [session, pollMs, refresh]);

  // Key presses in fields extend the session, throttled: no request per keystroke.
  const extendOnTypingMs = Math.min(EXTEND_ON_TYPING_MS, timeoutMs / 6);
  const lastTypingExtensionMs = useRef(0);
  useEffect(() => {
    if (!session) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isTextEntry(event.target as Element | null)) return;
      const nowMs = Date.now();
      if (nowMs - lastTypingExtensionMs.current < extendOnTypingMs) return;
      lastTypingExtensionMs.current = nowMs;
      refresh(true).catch(() => undefined);
    };
    document.addEventListener("keydown", onKeyDown, true);
    return () => document.removeEventListener("keydown", onKeyDown, true);
  }, [session, extendOnTypingMs, refresh]);

  // The warning takes the focus only from nothing in particular, never from a field being typed in.
  useEffect(() => {
    if (warning && !isTextEntry(document.activeElement)) stayButton.current?.focus();
  }, [warning]);

  if (!session || !warning) return null;
  return (
    <div className="idle-warning" role="alertdialog" aria-modal="false" aria-labelledby="idle-warning-text">
      <p id="idle-warning-text" aria-live="polite">
        You will be signed out in <strong>{formatRemaining(remainingMs)}</strong> because of inactivity.
      </p>
      <button ref={stayButton} type="button" className="button button-primary" onClick={() => refresh(true).catch(() => undefined)}>
        Stay signed in
      </button>
    </div>
  );
}
