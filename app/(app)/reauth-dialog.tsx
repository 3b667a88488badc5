"use client";
/**
 * Asks for the password when a sensitive action answers 403 reauthentication_required, proves it
 * with POST /bff/reauth, and lets bffFetch send the action again. The user's input in the form
 * behind it is untouched. Cancelling leaves the action refused with its own message.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { bffFetch, setReauthPrompt } from "@/lib/client/bff-fetch";
import { AppError } from "@/lib/shared/errors";
import { Field } from "../components/field";
import { errorText, fieldErrorMap } from "./errors";

export function ReauthDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const settle = useRef<((confirmed: boolean) => void) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    setReauthPrompt(
      () =>
        new Promise<boolean>((resolve) => {
          settle.current = resolve;
          setError(null);
          dialog.current?.showModal();
        }),
    );
    return () => setReauthPrompt(null);
  }, []);

  function close(confirmed: boolean) {
    dialog.current?.close();
    settle.current?.(confirmed);
    settle.current = null;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const password = String(new FormData(form).get("password") ?? "");
    if (!password) return setError("Enter your password.");
    setPending(true);
    try {
      await bffFetch("/bff/reauth", { method: "POST", json: { password } });
      form.reset();
      close(true);
    } catch (caught) {
      setError(fieldErrorMap(caught).password ?? errorText(caught) ?? "Something went wrong. Please try again.");
      if (caught instanceof AppError && caught.status < 500) document.getElementById("field-password")?.focus();
    } finally {
      setPending(false);
    }
  }

  return (
    <dialog ref={dialog} className="reauth-dialog card" aria-labelledby="reauth-title" onCancel={() => close(false)}>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <h2 id="reauth-title">Confirm your password</h2>
        <p className="muted">This action needs your password again, to make sure it is really you.</p>
        <Field name="password" label="Password" type="password" autoComplete="current-password" maxLength={1024} error={error ?? undefined} autoFocus />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={pending}>
            {pending ? "Checking…" : "Confirm"}
          </button>
          <button type="button" className="button button-secondary" onClick={() => close(false)}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
