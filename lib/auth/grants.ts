/**
 * The token endpoint's logic (RFC 6749): client authentication, the password grant for the
 * first-party BFF only, the refresh grant, and revocation (RFC 7009).
 * Every credential failure is the same `invalid_grant`, whatever the reason.
 */
import { AppError } from "../shared/errors";
import { getConfig } from "../config";
import { createAccessToken } from "./access-tokens";
import { recordAuditEvent, type RequestContext } from "./audit";
import { safeEqual } from "./crypto";
import { verifyPassword } from "./passwords";
import { checkPasswordAttempt, consumeRefresh } from "./rate-limits";
import { findSessionByRefreshToken, generateRefreshToken, rotateRefreshToken, storeRefreshToken } from "./refresh-tokens";
import { SESSION_SCOPE } from "../shared/scopes";
import { createSessionForCredentials, revokeSession } from "./sessions";
import { getDb } from "../db";
import { findUserByEmail, findUserById, normalizeEmail } from "./users";

export interface TokenSet {
  accessToken: string;
  tokenType: "Bearer";
  expiresInSeconds: number;
  refreshToken: string;
  /** Seconds until the session's absolute expiry: no refresh token of it works after that. */
  refreshExpiresInSeconds: number;
  scope: string;
  sessionId: string;
  userId: string;
}

/** HTTP Basic client authentication (RFC 6749 §2.3.1). Returns the client id, or null. */
export function authenticateClient(authorization: string | null | undefined): string | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization?.trim() ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator < 0) return null;
  let clientId: string;
  let clientSecret: string;
  try {
    clientId = decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, " "));
    clientSecret = decodeURIComponent(decoded.slice(separator + 1).replace(/\+/g, " "));
  } catch {
    return null;
  }
  const config = getConfig();
  // Both compared in constant time, and both always compared.
  const idMatches = safeEqual(clientId, config.bffClientId);
  const secretMatches = safeEqual(clientSecret, config.bffClientSecret);
  return idMatches && secretMatches ? clientId : null;
}

async function issueTokenSet(input: {
  userId: string;
  sessionId: string;
  clientId: string;
  sessionExpiresAtMs: number;
  authenticatedAtMs: number;
  refreshToken: string;
  nowMs: number;
}): Promise<TokenSet> {
  const { accessToken, expiresInSeconds } = await createAccessToken({ ...input, scope: SESSION_SCOPE });
  return {
    accessToken,
    tokenType: "Bearer",
    expiresInSeconds,
    refreshToken: input.refreshToken,
    refreshExpiresInSeconds: Math.max(0, Math.floor((input.sessionExpiresAtMs - input.nowMs) / 1000)),
    scope: SESSION_SCOPE,
    sessionId: input.sessionId,
    userId: input.userId,
  };
}

export async function exchangePasswordGrant(input: {
  clientId: string;
  email: string;
  password: string;
  context: RequestContext;
  nowMs: number;
}): Promise<TokenSet> {
  const email = normalizeEmail(input.email);
  const user = await findUserByEmail(email);
  const passwordMatches = await checkPasswordAttempt(email, input.context, {
    isKnownNetwork: () => hasSignedInFrom(user, input.context.ip),
    verify: () => verifyPassword(input.password, user?.passwordHash ?? null),
  });
  // A session only for the credentials just verified: none if the password changed or the account
  // was disabled while bcrypt ran.
  const session = user && passwordMatches && !user.disabledAt
    ? await createSessionForCredentials({ user, clientId: input.clientId, context: input.context, nowMs: input.nowMs })
    : null;
  if (!user || !session) {
    await recordAuditEvent({ type: "sign_in_failed", userId: user?.id, context: input.context, nowMs: input.nowMs });
    throw new AppError("invalid_grant");
  }
  const refreshToken = generateRefreshToken();
  await storeRefreshToken(session.id, refreshToken, input.nowMs);
  await recordAuditEvent({ type: "sign_in", userId: user.id, sessionId: session.id, context: input.context, nowMs: input.nowMs });
  return issueTokenSet({
    userId: user.id,
    sessionId: session.id,
    clientId: input.clientId,
    sessionExpiresAtMs: session.absoluteExpiresAt.getTime(),
    authenticatedAtMs: session.authenticatedAt.getTime(),
    refreshToken,
    nowMs: input.nowMs,
  });
}

export async function exchangeRefreshGrant(input: {
  clientId: string;
  refreshToken: string;
  context: RequestContext;
  nowMs: number;
}): Promise<TokenSet> {
  const session = await findSessionByRefreshToken(input.refreshToken);
  if (session) await consumeRefresh(session.id, session.userId, input.context);
  const rotated = await rotateRefreshToken({ ...input, token: input.refreshToken });
  if (!rotated) throw new AppError("invalid_grant");
  const user = await findUserById(rotated.session.userId);
  if (!user || user.disabledAt) {
    await revokeSession(rotated.session.id, "account_disabled", { context: input.context, nowMs: input.nowMs });
    throw new AppError("invalid_grant");
  }
  return issueTokenSet({
    userId: user.id,
    sessionId: rotated.session.id,
    clientId: input.clientId,
    sessionExpiresAtMs: rotated.session.absoluteExpiresAt.getTime(),
    authenticatedAtMs: rotated.session.authenticatedAt.getTime(),
    refreshToken: rotated.refreshToken,
    nowMs: input.nowMs,
  });
}

/** Whether the account's owner has signed in from this IP before (exempts it from the account-wide limit). */
async function hasSignedInFrom(user: { id: string } | null, ip: string | null): Promise<boolean> {
  if (!ip || !user) return false;
  return (await getDb().session.findFirst({ where: { userId: user.id, ip }, select: { id: true } })) !== null;
}

/** RFC 7009: ends the session of a refresh token. Unknown tokens are not an error. */
export async function revokeRefreshToken(input: { clientId: string; token: string; context: RequestContext }): Promise<void> {
  const session = await findSessionByRefreshToken(input.token);
  if (session && session.clientId === input.clientId) {
    await revokeSession(session.id, "sign_out", { context: input.context });
  }
}
