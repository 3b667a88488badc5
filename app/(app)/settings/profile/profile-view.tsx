"use client";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { bffFetch } from "@/lib/client/bff-fetch";
import { useDeleteAccount, useProfile, useUpdateName } from "@/lib/client/hooks/use-profile";
import { announce } from "@/lib/client/session-events";
import type { PublicUserDto } from "@/lib/shared/schemas";
import { Field } from "../../../components/field";
import { errorText, fieldErrorMap } from "../../errors";
import { QueryStatus } from "../../query-status";

/** NAME_MAX_LENGTH in lib/shared/schemas (not imported: it would bring zod into the page). */
const NAME_MAX_LENGTH = 100;

export function ProfileView() {
  const profile = useProfile();
  return (
    <>
      <h1>Profile</h1>
      <QueryStatus query={profile} what="your profile" />
      {profile.data ? (
        <>
          <NameForm user={profile.data} />
          <DeleteAccount user={profile.data} />
        </>
      ) : null}
    </>
  );
}

type NameOutcome = { kind: "idle" } | { kind: "saved"; name: string } | { kind: "failed"; field: string | null; message: string | null };

function NameForm({ user }: { user: PublicUserDto }) {
  const updateName = useUpdateName();
  const [outcome, setOutcome] = useState<NameOutcome>({ kind: "idle" });
  const [attempt, setAttempt] = useState(0);
  const statusRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (attempt === 0) return;
    if (outcome.kind === "failed" && outcome.field) document.getElementById("field-name")?.focus();
    else statusRef.current?.focus();
  }, [attempt, outcome]);

  function settle(next: NameOutcome) {
    setOutcome(next);
    setAttempt((count) => count + 1);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!name) return settle({ kind: "failed", field: "Enter a name.", message: null });
    if (name.length > NAME_MAX_LENGTH) return settle({ kind: "failed", field: `Use at most ${NAME_MAX_LENGTH} characters.`, message: null });
    updateName.mutate(name, {
      onSuccess: (data) => settle({ kind: "saved", name: data.user.name }),
      onError: (error) => {
        const field = fieldErrorMap(error).name ?? null;
        settle({ kind: "failed", field, message: field ? null : errorText(error) });
      },
    });
  }

  return (
    <section className="card settings-section" aria-labelledby="name-heading">
      <h2 id="name-heading">Your name</h2>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <p className="muted small">
          Signed in as <strong>{user.email}</strong>. Your name is shown in the header; your email address cannot be changed here.
        </p>
        <Field
          name="name"
          label="Display name"
          autoComplete="name"
          defaultValue={user.name}
          maxLength={NAME_MAX_LENGTH}
          error={outcome.kind === "failed" ? (outcome.field ?? undefined) : undefined}
        />
        <p
          ref={statusRef}
          tabIndex={-1}
          role={outcome.kind === "failed" ? "alert" : "status"}
          className={outcome.kind === "saved" ? "alert alert-info" : outcome.kind === "failed" && outcome.message ? "alert alert-error" : "visually-hidden"}
        >
          {outcome.kind === "saved" ? `Your name is now “${outcome.name}”.` : outcome.kind === "failed" ? outcome.message : null}
        </p>
        <div>
          <button type="submit" className="button button-primary" disabled={updateName.isPending} aria-disabled={updateName.isPending}>
            {updateName.isPending ? "Saving…" : "Save name"}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Why the deletion did not happen: the confirmation field, or the request itself. */
type DeleteProblem = { field: string } | { message: string | null };

function DeleteAccount({ user }: { user: PublicUserDto }) {
  const deleteAccount = useDeleteAccount();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<DeleteProblem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const startRef = useRef<HTMLButtonElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const fieldError = problem && "field" in problem ? problem.field : undefined;
  const requestError = problem && "message" in problem ? problem.message : null;

  useEffect(() => {
    if (confirming) document.getElementById("field-confirmEmail")?.focus();
  }, [confirming]);
  useEffect(() => {
    if (attempt === 0 || !problem) return;
    ("field" in problem ? document.getElementById("field-confirmEmail") : errorRef.current)?.focus();
  }, [attempt, problem]);

  function cancel() {
    setConfirming(false);
    setProblem(null);
    requestAnimationFrame(() => startRef.current?.focus());
  }

  function fail(next: DeleteProblem) {
    setProblem(next);
    setAttempt((count) => count + 1);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = String(new FormData(event.currentTarget).get("confirmEmail") ?? "").trim().toLowerCase();
    if (typed !== user.email.toLowerCase()) return fail({ field: "Type your email address exactly as shown to confirm." });
    setProblem(null);
    deleteAccount.mutate(undefined, {
      onSuccess: async () => {
        // The account's sessions are revoked already; this clears this browser's cookie.
        await bffFetch("/bff/logout", { method: "POST", allowUnauthenticated: true }).catch(() => undefined);
        announce("signed-out");
        window.location.assign("/login?notice=account-deleted");
      },
      onError: (caught) => fail({ message: errorText(caught) }),
    });
  }

  return (
    <section className="card settings-section danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete your account</h2>
      <p className="small">
        Deletes your account, your notes and your personal access tokens, and signs you out on every device. This cannot be undone.
      </p>
      {confirming ? (
        <form className="stack" onSubmit={onSubmit} noValidate aria-label="Confirm account deletion">
          <Field
            name="confirmEmail"
            label={`Type ${user.email} to confirm`}
            type="email"
            autoComplete="off"
            maxLength={254}
            error={fieldError}
          />
          <p ref={errorRef} tabIndex={-1} role="alert" className={requestError ? "alert alert-error" : "visually-hidden"}>
            {requestError}
          </p>
          <div className="button-row">
            <button type="submit" className="button button-danger" disabled={deleteAccount.isPending || deleteAccount.isSuccess}>
              {deleteAccount.isPending || deleteAccount.isSuccess ? "Deleting…" : "Delete my account"}
            </button>
            <button type="button" className="button button-secondary" onClick={cancel} disabled={deleteAccount.isPending}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div>
          <button ref={startRef} type="button" className="button button-danger" onClick={() => setConfirming(true)}>
            Delete account…
          </button>
        </div>
      )}
    </section>
  );
}
