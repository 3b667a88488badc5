"use client";
import Link from "next/link";
import { useActionState, useEffect, useRef, useState } from "react";
import { Field } from "../../components/field";
import { registerAction, type FormState } from "../actions";

export function RegisterForm({ returnTo }: { returnTo: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(registerAction, {});
  const errorRef = useRef<HTMLDivElement>(null);
  // Controlled, so a failed submit keeps everything typed: React resets an action's uncontrolled
  // form. The password never goes back and forth: the server does not echo it, the browser keeps it.
  // Seeded from the action's answer for a browser without JavaScript, whose page is rendered anew.
  const [values, setValues] = useState(() => ({ name: state.values?.name ?? "", email: state.values?.email ?? "", password: "" }));
  const setValue = (name: keyof typeof values) => (value: string) => setValues((current) => ({ ...current, [name]: value }));

  useEffect(() => {
    if (state.error) errorRef.current?.focus();
  }, [state]);

  // noValidate: the server reports every field's problem at once; the browser's own bubbles show one at a time.
  return (
    <form action={formAction} className="stack" noValidate>
      <div ref={errorRef} tabIndex={-1} role="alert" aria-live="assertive" className={state.error ? "alert alert-error" : undefined}>
        {state.error}
      </div>
      <input type="hidden" name="returnTo" value={returnTo} />
      <Field name="name" label="Name" autoComplete="name" value={values.name} onValueChange={setValue("name")} error={state.fieldErrors?.name} maxLength={100} autoFocus />
      <Field name="email" label="Email" type="email" autoComplete="email" value={values.email} onValueChange={setValue("email")} error={state.fieldErrors?.email} maxLength={254} />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        minLength={12}
        maxLength={1024}
        value={values.password}
        onValueChange={setValue("password")}
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
