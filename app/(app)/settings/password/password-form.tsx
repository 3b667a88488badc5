"use client";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useChangePassword } from "@/lib/client/hooks/use-password";
import { Field } from "../../../components/field";
import { errorText, fieldErrorMap } from "../../errors";

type FieldName = "currentPassword" | "newPassword";
const FIELD_ORDER: FieldName[] = ["currentPassword", "newPassword"];
/** PASSWORD_MAX_INPUT_LENGTH in lib/shared/schemas (not imported: it would bring zod into the page). */
const PASSWORD_MAX_LENGTH = 1024;

type Outcome = { kind: "idle" } | { kind: "changed"; revokedTokens: boolean } | { kind: "failed"; message: string | null; fields: Partial<Record<FieldName, string>> };

export function PasswordForm() {
  const changePassword = useChangePassword();
  const [outcome, setOutcome] = useState<Outcome>({ kind: "idle" });
  const [attempt, setAttempt] = useState(0);
  const errorRef = useRef<HTMLDivElement>(null);
  const successRef = useRef<HTMLDivElement>(null);

  // Focus the first field with an error (its message is tied to it), else the message itself.
  useEffect(() => {
    if (attempt === 0) return;
    const first = outcome.kind === "failed" ? FIELD_ORDER.find((name) => outcome.fields[name]) : undefined;
    if (first) document.getElementById(`field-${first}`)?.focus();
    else (outcome.kind === "changed" ? successRef : errorRef).current?.focus();
  }, [attempt, outcome]);

  function settle(next: Outcome) {
    // The passwords were the mutation's variables: drop them now.
    changePassword.reset();
    setOutcome(next);
    setAttempt((count) => count + 1);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("currentPassword") ?? "");
    const newPassword = String(data.get("newPassword") ?? "");
    const revokePersonalAccessTokens = data.get("revokePersonalAccessTokens") === "on";
    const missing: Partial<Record<FieldName, string>> = {};
    if (!currentPassword) missing.currentPassword = "Enter your current password.";
    if (!newPassword) missing.newPassword = "Enter a new password.";
    if (Object.keys(missing).length > 0) return settle({ kind: "failed", message: "Please correct the marked fields.", fields: missing });

    setOutcome({ kind: "idle" });
    changePassword.mutate(
      { currentPassword, newPassword, revokePersonalAccessTokens },
      {
        onSuccess: () => {
          form.reset();
          settle({ kind: "changed", revokedTokens: revokePersonalAccessTokens });
        },
        onError: (error) => {
          const fields = fieldErrorMap(error);
          const mapped = { currentPassword: fields.currentPassword, newPassword: fields.newPassword };
          const hasField = Boolean(mapped.currentPassword || mapped.newPassword);
          settle({ kind: "failed", message: hasField ? "Your password was not changed. Please correct the marked fields." : errorText(error), fields: mapped });
        },
      },
    );
  }

  const fields = outcome.kind === "failed" ? outcome.fields : {};
  const pending = changePassword.isPending;

  return (
    <>
      <h1>Change your password</h1>
      <div className="card settings-section">
        <form className="stack" onSubmit={onSubmit} noValidate>
          <div ref={errorRef} tabIndex={-1} role="alert" className={outcome.kind === "failed" ? "alert alert-error" : "visually-hidden"}>
            {outcome.kind === "failed" ? outcome.message : null}
          </div>
          <div ref={successRef} tabIndex={-1} role="status" className={outcome.kind === "changed" ? "alert alert-info" : "visually-hidden"}>
            {outcome.kind === "changed"
              ? `Password changed. Your other devices have been signed out${outcome.revokedTokens ? " and your personal access tokens revoked" : ""}.`
              : null}
          </div>
          <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" maxLength={PASSWORD_MAX_LENGTH} error={fields.currentPassword} />
          <Field
            name="newPassword"
            label="New password"
            type="password"
            autoComplete="new-password"
            maxLength={PASSWORD_MAX_LENGTH}
            error={fields.newPassword}
            hint="At least 12 characters. A few unrelated words make a strong one; avoid your name and email."
          />
          <label className="checkbox">
            <input type="checkbox" name="revokePersonalAccessTokens" />
            Also revoke all my personal access tokens (scripts using them will stop working)
          </label>
          <p className="muted small">Changing your password signs out every other device. This one stays signed in.</p>
          <div>
            <button type="submit" className="button button-primary" disabled={pending} aria-disabled={pending}>
              {pending ? "Changing…" : "Change password"}
            </button>
          </div>
        </form>
      </div>
    </>
  );
}
