"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef } from "react";
import { bffFetch } from "@/lib/client/bff-fetch";
import { Field } from "../../components/field";
import { loginAction, type FormState } from "../actions";

export function LoginForm({ returnTo }: { returnTo: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(loginAction, {});
  const errorRef = useRef<HTMLDivElement>(null);
  const router = useRouter();

  // SameSite=Strict cookies are not sent when a link from another site lands here; a same-origin
  // check finds an existing session and goes on.
  useEffect(() => {
    bffFetch("/bff/session", { allowUnauthenticated: true }).then(() => router.replace(returnTo), () => undefined);
  }, [returnTo, router]);

  useEffect(() => {
    if (state.error) errorRef.current?.focus();
  }, [state]);

  return (
    <form action={formAction} className="stack" noValidate={false}>
      <div ref={errorRef} tabIndex={-1} role="alert" aria-live="assertive" className={state.error ? "alert alert-error" : undefined}>
        {state.error}
      </div>
      <input type="hidden" name="returnTo" value={returnTo} />
      <Field name="email" label="Email" type="email" autoComplete="username" defaultValue={state.values?.email} maxLength={254} autoFocus />
      <Field name="password" label="Password" type="password" autoComplete="current-password" maxLength={1024} />
      <button type="submit" className="button button-primary" disabled={pending} aria-disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="muted small">
        No account yet? <Link href={`/register?returnTo=${encodeURIComponent(returnTo)}`}>Create one</Link>
      </p>
    </form>
  );
}
