"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef, useState } from "react";
import { bffFetch } from "@/lib/client/bff-fetch";
import { Field } from "../../components/field";
import { loginAction, type FormState } from "../actions";

function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** After too many attempts: the milliseconds left until the next one may be made, ticking; 0 when it may. */
function useRetryCountdown(state: FormState): number {
  const [retryAtMs, setRetryAtMs] = useState(0);
  const [nowMs, setNowMs] = useState(0);
  useEffect(() => {
    if (!state.retryAfterSeconds) return;
    const startedMs = Date.now();
    // Set from the action's answer as it arrives, not derived during render (Date.now() is impure).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setRetryAtMs(startedMs + state.retryAfterSeconds * 1000);
    setNowMs(startedMs);
    const tick = setInterval(() => setNowMs(Date.now()), 1000);
    const stop = setTimeout(() => clearInterval(tick), state.retryAfterSeconds * 1000 + 1000);
    return () => {
      clearInterval(tick);
      clearTimeout(stop);
    };
  }, [state]);
  return Math.max(0, retryAtMs - nowMs);
}

export function LoginForm({ returnTo }: { returnTo: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(loginAction, {});
  const errorRef = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const waitMs = useRetryCountdown(state);

  // SameSite=Strict cookies are not sent when a link from another site lands here; a same-origin
  // check finds an existing session and goes on. It asks with `?optional=true`, which answers 204
  // (not 401) without a session, so a fresh visitor's console stays clean. Chosen over a readable
  // "signed in" hint cookie: no second cookie to keep in step with the session (set, cleared,
  // expired), nothing about the session for page scripts to read, never stale; the cost is this
  // one request per visit to the sign-in page, which it made before too.
  useEffect(() => {
    bffFetch<{ user: unknown } | undefined>("/bff/session?optional=true", { allowUnauthenticated: true }).then(
      (session) => {
        if (session) router.replace(returnTo);
      },
      () => undefined,
    );
  }, [returnTo, router]);

  useEffect(() => {
    if (state.error) errorRef.current?.focus();
  }, [state]);

  const waiting = waitMs > 0;
  return (
    <form action={formAction} className="stack" noValidate={false}>
      <div ref={errorRef} tabIndex={-1} role="alert" aria-live="assertive" className={state.error ? "alert alert-error" : undefined}>
        {state.error}
      </div>
      <input type="hidden" name="returnTo" value={returnTo} />
      <Field name="email" label="Email" type="email" autoComplete="username" defaultValue={state.values?.email} maxLength={254} autoFocus />
      <Field name="password" label="Password" type="password" autoComplete="current-password" maxLength={1024} />
      <button
        type="submit"
        className="button button-primary"
        disabled={pending || waiting}
        aria-disabled={pending || waiting}
        aria-describedby={waiting ? "sign-in-wait" : undefined}
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {waiting ? (
        <p id="sign-in-wait" className="muted small sign-in-wait">
          You can sign in again in <span className="countdown">{formatCountdown(waitMs)}</span>.
        </p>
      ) : null}
      <p className="muted small">
        No account yet? <Link href={`/register?returnTo=${encodeURIComponent(returnTo)}`}>Create one</Link>
      </p>
    </form>
  );
}
