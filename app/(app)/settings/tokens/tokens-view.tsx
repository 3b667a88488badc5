"use client";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { TOKEN_EXPIRY_DAYS, TOKEN_NAME_MAX_LENGTH, useCreateToken, useRevokeToken, useTokens, type CreatedToken, type TokenExpiry } from "@/lib/client/hooks/use-tokens";
import type { PersonalAccessTokenDto } from "@/lib/shared/schemas";
import type { PatScope } from "@/lib/shared/scopes";
import { errorText, fieldErrorMap } from "../../errors";
import { formatDate, formatDateTime, formatRelative } from "../format";
import { QueryStatus } from "../../query-status";
import { useConfirmStep } from "../../use-confirm-step";
import { ConfirmRow } from "@/app/components/confirm-row";

/** Every scope a token may carry (the type makes sure none is missing), in the order the form offers them. */
const SCOPE_LABELS: Record<PatScope, string> = {
  "notes:read": "Read your notes",
  "notes:write": "Create, change and delete your notes",
  "profile:read": "Read your name and email address",
};
const TOKEN_SCOPES = Object.keys(SCOPE_LABELS) as PatScope[];

const DAY_MS = 86_400_000;
/** The API accepts a custom expiry up to a year ahead. */
const MAX_CUSTOM_DAYS = 365;

type ExpiryChoice = `${(typeof TOKEN_EXPIRY_DAYS)[number]}` | "custom" | "never";
type FieldName = "name" | "scopes" | "expiresAt" | "confirmNever";
const FIELD_ORDER: FieldName[] = ["name", "scopes", "expiresAt", "confirmNever"];

/** yyyy-mm-dd in local time, as <input type="date"> wants it. */
function localDate(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

export function TokensView({ apiBaseUrl }: { apiBaseUrl: string }) {
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const listHeadingRef = useRef<HTMLHeadingElement>(null);

  function hideCreated() {
    setCreated(null);
    // The panel and its button are gone: continue at the list that now holds the token.
    requestAnimationFrame(() => listHeadingRef.current?.focus());
  }

  return (
    <>
      <h1>Personal access tokens</h1>
      <p className="muted">
        Tokens let scripts and other programs call the Keyhole API as you, limited to the scopes you choose. A token can never
        manage your devices, tokens or password.
      </p>
      {created ? <CreatedTokenPanel created={created} onDone={hideCreated} /> : null}
      <NewTokenForm onCreated={setCreated} />
      <TokenList headingRef={listHeadingRef} />
      <section className="card settings-section" aria-labelledby="usage-heading">
        <h2 id="usage-heading">Using a token</h2>
        <p className="small">Send it as a bearer token to the API:</p>
        <pre className="code-block"><code>{`curl -H "Authorization: Bearer khp_…" \\
  ${apiBaseUrl}/notes`}</code></pre>
        <p className="muted small">
          Tokens work only on <code>{apiBaseUrl}</code>, never on this website&apos;s own pages or its <code>/bff</code> endpoints.
        </p>
      </section>
    </>
  );
}

function CreatedTokenPanel({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyStatus, setCopyStatus] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [created]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopyStatus("copied");
    } catch {
      setCopyStatus("failed");
      inputRef.current?.select();
    }
  }

  return (
    <section className="card settings-section token-created" aria-labelledby="created-heading">
      <h2 id="created-heading">Token “{created.personalAccessToken.name}” created</h2>
      <p id="new-token-warning" className="alert alert-warning">
        <strong>Copy it now — you won&apos;t see it again.</strong> Keep it somewhere safe, such as a password manager or your CI&apos;s
        secret store.
      </p>
      <div className="field">
        <label htmlFor="new-token-value">Your new token</label>
        <div className="copy-row">
          <input
            ref={inputRef}
            id="new-token-value"
            type="text"
            className="mono"
            value={created.token}
            readOnly
            spellCheck={false}
            autoComplete="off"
            aria-describedby="new-token-warning"
            onFocus={(event) => event.currentTarget.select()}
          />
          <button type="button" className="button button-primary" onClick={copy}>
            {copyStatus === "copied" ? "Copied" : "Copy"}
          </button>
        </div>
        <p className={copyStatus === "failed" ? "field-error" : "hint"} role="status">
          {copyStatus === "copied" ? "Copied to the clipboard." : copyStatus === "failed" ? "Could not copy. The token is selected: copy it with your keyboard." : ""}
        </p>
      </div>
      <div>
        <button type="button" className="button button-secondary" onClick={onDone}>
          Done, hide the token
        </button>
      </div>
    </section>
  );
}

function NewTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const createToken = useCreateToken();
  const [expiry, setExpiry] = useState<ExpiryChoice>("30");
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const [nowMs] = useState(() => Date.now());

  // After a failed attempt, focus the first field with an error (its message is tied to it), else the alert.
  useEffect(() => {
    if (attempt === 0) return;
    const first = FIELD_ORDER.find((name) => errors[name]);
    const target = first ? formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`) : formError ? errorRef.current : null;
    target?.focus();
  }, [attempt, errors, formError]);

  function fail(fieldErrors: Partial<Record<FieldName, string>>, message: string | null) {
    setErrors(fieldErrors);
    setFormError(message);
    setAttempt((count) => count + 1);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    const scopes = TOKEN_SCOPES.filter((scope) => data.getAll("scopes").includes(scope));
    const found: Partial<Record<FieldName, string>> = {};
    if (!name) found.name = "Give the token a name.";
    if (scopes.length === 0) found.scopes = "Choose at least one scope.";

    let tokenExpiry: TokenExpiry | null = null;
    if (expiry === "never") {
      if (data.get("confirmNever") === "yes") tokenExpiry = { neverExpires: true };
      else found.confirmNever = "Confirm that this token should never expire, or choose an expiry.";
    } else if (expiry === "custom") {
      const day = String(data.get("expiresAt") ?? "");
      // The end of the chosen day, local time.
      const expiresAtMs = day ? new Date(`${day}T23:59:59`).getTime() : NaN;
      if (!Number.isFinite(expiresAtMs)) found.expiresAt = "Choose a date.";
      else if (expiresAtMs <= Date.now() || expiresAtMs > Date.now() + MAX_CUSTOM_DAYS * DAY_MS + DAY_MS) found.expiresAt = "Choose a date from tomorrow to a year from now.";
      else tokenExpiry = { expiresAt: new Date(expiresAtMs).toISOString() };
    } else {
      tokenExpiry = { expiresInDays: Number(expiry) as (typeof TOKEN_EXPIRY_DAYS)[number] };
    }

    if (Object.keys(found).length > 0 || !tokenExpiry) return fail(found, "Please correct the marked fields.");
    setErrors({});
    setFormError(null);
    createToken.mutate(
      { name, scopes, ...tokenExpiry },
      {
        onSuccess: (created) => {
          form.reset();
          setExpiry("30");
          createToken.reset();
          onCreated(created);
        },
        onError: (error) => {
          const fields = fieldErrorMap(error);
          const mapped: Partial<Record<FieldName, string>> = {
            name: fields.name,
            scopes: fields.scopes,
            expiresAt: fields.expiresAt ?? fields.expiresInDays,
            confirmNever: fields.neverExpires,
          };
          const hasField = Object.values(mapped).some(Boolean);
          fail(mapped, hasField ? "Please correct the marked fields." : errorText(error));
        },
      },
    );
  }

  // Ticking a scope answers "Choose at least one scope": the error goes at once, not at the next submit.
  function onScopeChange(checked: boolean) {
    if (!checked || !errors.scopes) return;
    const { scopes: _answered, ...rest } = errors;
    setErrors(rest);
    if (Object.values(rest).every((message) => !message)) setFormError(null);
  }

  const describedBy = (name: FieldName, hint?: string) => [hint, errors[name] ? `token-${name}-error` : null].filter(Boolean).join(" ") || undefined;
  const fieldError = (name: FieldName) => (errors[name] ? <p id={`token-${name}-error`} className="field-error">{errors[name]}</p> : null);

  return (
    <section className="card settings-section" aria-labelledby="new-token-heading">
      <h2 id="new-token-heading">New token</h2>
      <form ref={formRef} className="stack" onSubmit={onSubmit} noValidate>
        <div ref={errorRef} tabIndex={-1} role="alert" aria-live="assertive" className={formError ? "alert alert-error" : "visually-hidden"}>
          {formError}
        </div>
        <div className="field">
          <label htmlFor="token-name">Name</label>
          <input
            id="token-name"
            data-field="name"
            name="name"
            type="text"
            required
            maxLength={TOKEN_NAME_MAX_LENGTH}
            autoComplete="off"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={describedBy("name", "token-name-hint")}
          />
          <p id="token-name-hint" className="hint">What it&apos;s for, e.g. “Backup script”.</p>
          {fieldError("name")}
        </div>

        <fieldset className="field checkbox-group" aria-describedby={describedBy("scopes")}>
          <legend>Scopes</legend>
          {TOKEN_SCOPES.map((scope, index) => (
            <label key={scope} className="checkbox">
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                data-field={index === 0 ? "scopes" : undefined}
                aria-invalid={errors.scopes ? true : undefined}
                onChange={(event) => onScopeChange(event.currentTarget.checked)}
                aria-describedby={`scope-${scope.replace(":", "-")}-hint`}
              />
              <span>
                <code>{scope}</code>
                <span id={`scope-${scope.replace(":", "-")}-hint`} className="hint">{SCOPE_LABELS[scope]}</span>
              </span>
            </label>
          ))}
          {fieldError("scopes")}
        </fieldset>

        <div className="field">
          <label htmlFor="token-expiry">Expires</label>
          <select id="token-expiry" name="expiry" value={expiry} onChange={(event) => setExpiry(event.target.value as ExpiryChoice)}>
            {TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={String(days)}>In {days} days</option>
            ))}
            <option value="custom">On a date…</option>
            <option value="never">No expiry</option>
          </select>
        </div>

        {expiry === "custom" ? (
          <div className="field">
            <label htmlFor="token-expires-at">Expiry date</label>
            <input
              id="token-expires-at"
              data-field="expiresAt"
              name="expiresAt"
              type="date"
              required
              min={localDate(nowMs + DAY_MS)}
              max={localDate(nowMs + MAX_CUSTOM_DAYS * DAY_MS)}
              aria-invalid={errors.expiresAt ? true : undefined}
              aria-describedby={describedBy("expiresAt", "token-expires-at-hint")}
            />
            <p id="token-expires-at-hint" className="hint">The token stops working at the end of this day. At most a year from now.</p>
            {fieldError("expiresAt")}
          </div>
        ) : null}

        {expiry === "never" ? (
          <div className="alert alert-warning stack-tight" id="never-warning">
            <p>
              <strong>This token will never expire.</strong> It keeps working until you revoke it, so if it leaks, whoever has it can
              use it for as long as it exists. Prefer an expiry date unless a program truly needs a permanent token.
            </p>
            <label className="checkbox">
              <input
                type="checkbox"
                name="confirmNever"
                value="yes"
                data-field="confirmNever"
                required
                aria-invalid={errors.confirmNever ? true : undefined}
                aria-describedby={describedBy("confirmNever")}
              />
              <span>I understand: create a token that never expires</span>
            </label>
            {fieldError("confirmNever")}
          </div>
        ) : null}

        <div>
          <button type="submit" className="button button-primary" disabled={createToken.isPending} aria-disabled={createToken.isPending}>
            {createToken.isPending ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
    </section>
  );
}

function TokenList({ headingRef }: { headingRef: React.RefObject<HTMLHeadingElement | null> }) {
  const tokens = useTokens();
  const items = tokens.data ?? [];
  /** What the last revocation did, announced in the live region below the list and focused. */
  const [revoked, setRevoked] = useState<{ message: string } | null>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    // The token's entry is gone with its button: focus the sentence that says so.
    if (revoked) statusRef.current?.focus();
  }, [revoked]);

  return (
    <section className="settings-section" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading" ref={headingRef} tabIndex={-1}>Your tokens</h2>
      <QueryStatus query={tokens} what="tokens" />
      {tokens.isSuccess && items.length === 0 ? <p className="empty">You have no tokens yet. Create one above when a script needs the API.</p> : null}
      {items.length > 0 ? (
        <ul className="settings-list" aria-label="Tokens">
          {items.map((token) => (
            <TokenItem key={token.id} token={token} onRevoked={() => setRevoked({ message: `Revoked “${token.name}”.` })} />
          ))}
        </ul>
      ) : null}
      <p ref={statusRef} tabIndex={-1} role="status" className={revoked ? "alert alert-info" : "visually-hidden"}>
        {revoked?.message}
      </p>
    </section>
  );
}

function TokenItem({ token, onRevoked }: { token: PersonalAccessTokenDto; onRevoked: () => void }) {
  const revoke = useRevokeToken();
  const { confirming: confirmingRevocation, askRef: askRevocationRef, confirmRef: confirmRevocationRef, ask: askRevocation, cancel: cancelRevocation } = useConfirmStep();
  // Expired as of this render on purpose: a token that expires while the page is open shows so on the next render.
  // eslint-disable-next-line react-hooks/purity
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();

  return (
    <li className="settings-item" aria-busy={revoke.isPending}>
      <div className="settings-item-head">
        <h3 className="settings-item-title">{token.name}</h3>
        {expired ? <span className="badge badge-danger">Expired</span> : token.expiresAt === null ? <span className="badge badge-warning">No expiry</span> : null}
      </div>
      <div className="token-summary">
        <p className="token-prefix"><code>{token.prefix}…</code></p>
        <ul className="badge-list" aria-label="Scopes">
          {token.scopes.map((scope) => (
            <li key={scope} className="badge">{scope}</li>
          ))}
        </ul>
      </div>
      <dl className="meta-list">
        <div>
          <dt>Created</dt>
          <dd><time dateTime={token.createdAt}>{formatDateTime(token.createdAt)}</time></dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd>{token.lastUsedAt ? <time dateTime={token.lastUsedAt} title={formatDateTime(token.lastUsedAt)}>{formatRelative(token.lastUsedAt)}</time> : "Never"}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>{token.expiresAt ? <time dateTime={token.expiresAt} title={formatDateTime(token.expiresAt)}>{formatDate(token.expiresAt)}</time> : "Never"}</dd>
        </div>
      </dl>
      {revoke.isError ? <p className="field-error" role="alert">{errorText(revoke.error, "This token was already revoked.")}</p> : null}
      {confirmingRevocation ? (
        <ConfirmRow
          label={`Revoke ${token.name}?`}
          confirmText="Yes, revoke"
          pendingText="Revoking…"
          pending={revoke.isPending}
          onConfirm={() => revoke.mutate(token.id, { onSuccess: onRevoked })}
          onCancel={cancelRevocation}
          confirmRef={confirmRevocationRef}
        >
          Programs using this token will stop working at once.
        </ConfirmRow>
      ) : (
        <div className="button-row">
          <button ref={askRevocationRef} type="button" className="button button-danger" onClick={askRevocation} aria-label={`Revoke ${token.name}`}>
            Revoke
          </button>
        </div>
      )}
    </li>
  );
}
