/** Users: registration, lookup, the public profile. */
import "server-only";
import { AppError } from "../shared/errors";
import { getDb } from "../db";
import type { User } from "../generated/prisma/client";
import type { RequestContext } from "../shared/request-context";
import { recordAuditEvent } from "./audit";
import { findPasswordProblem, hashPassword, verifyPassword } from "./passwords";
import { checkPasswordAttempt, consumeRegistration } from "./rate-limits";
import { revokeAllPersonalAccessTokens } from "./personal-access-tokens";
import { revokeOtherSessions } from "./sessions";

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

/** Emails are compared trimmed, NFC-normalised and case-folded. */
export function normalizeEmail(email: string): string {
  return email.normalize("NFC").trim().toLowerCase();
}

export function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
}

export async function createUser(input: { email: string; name: string; password: string }): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  const problem = await findPasswordProblem(input.password, [email, email.split("@")[0]!, name]);
  if (problem) throw new AppError("weak_password", { errors: [{ path: "password", message: problem }] });
  const passwordHash = await hashPassword(input.password);
  try {
    return await getDb().user.create({ data: { id: crypto.randomUUID(), email, name, passwordHash } });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("email_taken", { errors: [{ path: "email", message: "An account with this email already exists." }] });
    }
    throw error;
  }
}

/** Registration from outside: rate limited per client IP and recorded in the activity log. */
export async function registerUser(input: { email: string; name: string; password: string }, context: RequestContext): Promise<User> {
  await consumeRegistration(context);
  const user = await createUser(input);
  await recordAuditEvent({ type: "user_registered", userId: user.id, context });
  return user;
}

export async function findUserByEmail(email: string): Promise<User | null> {
  return getDb().user.findUnique({ where: { email: normalizeEmail(email) } });
}

export async function findUserById(id: string): Promise<User | null> {
  return getDb().user.findUnique({ where: { id } });
}

/**
 * Changes a password after checking the current one (rate limited like sign-in), and signs out
 * every other session of the user; the current one stays, and the check counts as a fresh proof
 * of the password for it. Optionally revokes every personal access token too.
 */
export async function changePassword(input: {
  userId: string;
  currentSessionId: string | null;
  currentPassword: string;
  newPassword: string;
  revokePersonalAccessTokens: boolean;
  context: RequestContext;
}): Promise<void> {
  const user = await findUserById(input.userId);
  if (!user) throw new AppError("unauthenticated");
  const matches = await checkPasswordAttempt(user.email, input.context, {
    isKnownNetwork: async () => true,
    verify: () => verifyPassword(input.currentPassword, user.passwordHash),
  });
  if (!matches) {
    throw new AppError("invalid_request", { errors: [{ path: "currentPassword", message: "This is not your current password." }] });
  }
  // Only after the current password matched: nobody else learns anything from this answer.
  if (input.newPassword === input.currentPassword) {
    throw new AppError("invalid_request", { errors: [{ path: "newPassword", message: "Choose a password different from your current one." }] });
  }
  const problem = await findPasswordProblem(input.newPassword, [user.email, user.email.split("@")[0]!, user.name]);
  if (problem) throw new AppError("weak_password", { errors: [{ path: "newPassword", message: problem }] });
  const passwordHash = await hashPassword(input.newPassword);
  await getDb().user.update({ where: { id: user.id }, data: { passwordHash, credentialsVersion: { increment: 1 } } });
  await revokeOtherSessions(user.id, input.currentSessionId, "password_changed", input.context);
  if (input.revokePersonalAccessTokens) await revokeAllPersonalAccessTokens(user.id, input.context);
  if (input.currentSessionId) await markPasswordProven(user.id, input.currentSessionId, Date.now());
  await recordAuditEvent({ type: "password_changed", userId: user.id, sessionId: input.currentSessionId, context: input.context });
}

/** Changes the display name (already trimmed and validated by the schema); null when the account is gone. */
export async function updateUserName(userId: string, name: string): Promise<User | null> {
  const { count } = await getDb().user.updateMany({ where: { id: userId, disabledAt: null }, data: { name } });
  return count > 0 ? findUserById(userId) : null;
}

/**
 * Deletes an account and everything that belongs to it (docs/decisions/022-account-deletion.md).
 * Disabling it first (a new credentials version) stops a sign-in racing the deletion; revoking
 * every session before the rows go writes the revocation sequence, so other instances drop their
 * cached sessions at once. The foreign keys then cascade: sessions and refresh tokens, personal
 * access tokens, notes and the account's own activity log. One event without a user is kept.
 * False when there was no such account (already deleted).
 */
export async function deleteUser(userId: string, context: RequestContext): Promise<boolean> {
  const db = getDb();
  const { count } = await db.user.updateMany({ where: { id: userId, disabledAt: null }, data: { disabledAt: new Date(), credentialsVersion: { increment: 1 } } });
  if (count === 0) return false;
  await revokeOtherSessions(userId, null, "account_deleted", context);
  await db.user.delete({ where: { id: userId } });
  await recordAuditEvent({ type: "account_deleted", userId: null, context });
  return true;
}

/** Restarts the session's re-authentication window; false when the session is no longer active. */
async function markPasswordProven(userId: string, sessionId: string, nowMs: number): Promise<boolean> {
  const { count } = await getDb().session.updateMany({ where: { id: sessionId, userId, revokedAt: null }, data: { authenticatedAt: new Date(nowMs) } });
  return count > 0;
}

/**
 * Re-authentication: the user proves the password again in this session (rate limited like
 * sign-in), which opens REAUTH_WINDOW for sensitive actions. Access tokens issued from now on
 * (the next refresh) carry the new `auth_time`.
 */
export async function reauthenticateSession(input: { userId: string; sessionId: string; password: string; context: RequestContext }): Promise<void> {
  const user = await findUserById(input.userId);
  if (!user || user.disabledAt) throw new AppError("unauthenticated");
  const matches = await checkPasswordAttempt(user.email, input.context, {
    isKnownNetwork: async () => true,
    verify: () => verifyPassword(input.password, user.passwordHash),
  });
  const event = { userId: user.id, sessionId: input.sessionId, context: input.context };
  if (!matches) {
    await recordAuditEvent({ type: "reauthentication_failed", ...event });
    throw new AppError("invalid_request", { errors: [{ path: "password", message: "This is not your password." }] });
  }
  if (!(await markPasswordProven(user.id, input.sessionId, Date.now()))) throw new AppError("unauthenticated");
  await recordAuditEvent({ type: "reauthenticated", ...event });
}

/** Disables an account: no more sign-ins, every session revoked (cookies and access tokens stop within ~1 s). */
export async function disableUser(email: string, context: RequestContext): Promise<boolean> {
  const { count } = await getDb().user.updateMany({
    where: { email: normalizeEmail(email), disabledAt: null },
    data: { disabledAt: new Date(), credentialsVersion: { increment: 1 } },
  });
  const user = await findUserByEmail(email);
  if (user) await revokeOtherSessions(user.id, null, "account_disabled", context);
  return count > 0;
}
