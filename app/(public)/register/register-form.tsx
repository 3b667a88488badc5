"use client";
import Link from "next/link";
import { useActionState, useEffect, useRef } from "react";
import { Field } from "../../components/field";
import { registerAction, type FormState } from "../actions";

export function RegisterForm({ returnTo }: { returnTo: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(registerAction, {});
  const errorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (state.error) errorRef.current?.focus();
  }, [state]);

  return (
    <form action={formAction} className="stack">
      <div ref={errorRef} tabIndex={-1} role="alert" aria-live="assertive" className={state.error ? "alert alert-error" : undefined}>
        {state.error}
      </div>
      <input type="hidden" name="returnTo" value={returnTo} />
      <Field name="name" label="Name" autoComplete="name" defaultValue={state.values?.name} error={state.fieldErrors?.name} maxLength={100} autoFocus />
      <Field name="email" label="Email" type="email" autoComplete="email" defaultValue={state.values?.email} error={state.fieldErrors?.email} maxLength={254} />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        minLength={12}
        maxLength={1024}
        hint="At least 12 characters. A few unrelated words make a strong, memorable password."
        error={state.fieldErrors?.password}
      />
      <button type="submit" className="button button-primary" disabled={pending} aria-disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
      <p className="muted small">
        Already have an account? <Link href={`/login?returnTo=${encodeURIComponent(returnTo)}`}>Sign in</Link>
      </p>
    </form>
  );
}
