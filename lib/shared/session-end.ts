/**
 * Why a browser session ended, as one fixed vocabulary shared by the BFF (the `reason` member of
 * its 401 problem+json, the `?notice=` of its redirects) and the sign-in page, which maps each code
 * to fixed text. Only these codes ever travel in a URL, so nothing a link carries is shown back.
 * Decision record: docs/decisions/021-session-end-reasons-and-origin-check.md
 */

export const SESSION_END_REASONS = [
  "signed-out",
  "signed-out-elsewhere",
  "password-changed",
  "idle",
  "security",
  "account-disabled",
  "expired",
  "account-deleted",
] as const;

export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** The reason a query parameter or a problem member names, or null for anything else. */
export function parseSessionEndReason(value: unknown): SessionEndReason | null {
  return typeof value === "string" && (SESSION_END_REASONS as readonly string[]).includes(value) ? (value as SessionEndReason) : null;
}

/** What the sign-in page says for each reason. Only the user's own acts (signing out, deleting the account) are not warnings. */
export const SESSION_END_NOTICES: Record<SessionEndReason, { text: string; tone: "info" | "warning" }> = {
  "signed-out": { text: "You have signed out.", tone: "info" },
  "signed-out-elsewhere": { text: "You were signed out from another device. Please sign in again.", tone: "warning" },
  "password-changed": { text: "Your password was changed, so this device was signed out. Please sign in with the new password.", tone: "warning" },
  idle: { text: "You were signed out because you were inactive for a while. Please sign in again.", tone: "warning" },
  security: {
    text: "Your session was ended for your security: its sign-in token was used twice. If this wasn't you, change your password after signing in.",
    tone: "warning",
  },
  "account-disabled": { text: "Your session has ended because this account has been disabled.", tone: "warning" },
  expired: { text: "Your session has ended. Please sign in again.", tone: "warning" },
  "account-deleted": { text: "Your account was deleted.", tone: "info" },
};

/**
 * The reason for a session the token service revoked (lib/auth RevocationReason, stored as
 * `revokedReason`); anything unknown is the plain `expired`.
 */
export function sessionEndReasonForRevocation(revokedReason: string | null | undefined): SessionEndReason {
  switch (revokedReason) {
    case "sign_out":
      return "signed-out";
    case "revoked_by_user":
      return "signed-out-elsewhere";
    case "password_changed":
      return "password-changed";
    case "refresh_reuse":
      return "security";
    case "account_disabled":
      return "account-disabled";
    default:
      return "expired";
  }
}

/** The login page's notice parameter for a reason, appended to a login path that already has a query. */
export function withNotice(loginPathWithQuery: string, reason: SessionEndReason | null): string {
  return reason ? `${loginPathWithQuery}&notice=${reason}` : loginPathWithQuery;
}

