/** The kinds of audit event: written by lib/auth/audit.ts, labelled by the activity page. */
export type AuditEventType =
  | "sign_in"
  | "sign_in_failed"
  | "sign_out"
  | "refresh_reuse_detected"
  | "session_revoked"
  | "password_changed"
  | "reauthenticated"
  | "reauthentication_failed"
  | "user_registered"
  | "rate_limit_hit"
  | "pat_created"
  | "pat_revoked"
  | "pat_first_used"
  | "account_deleted";
