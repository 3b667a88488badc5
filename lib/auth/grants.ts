/**
 * The token endpoint's logic (RFC 6749): client authentication, the password grant for the
 * first-party BFF only, the refresh grant, and revocation (RFC 7009).
 * Every credential failure is the same `invalid_grant`, whatever the reason.
 */
import "server-only";
import { AppError } from "../shared/errors";
import { getConfig } from "../config";
import { createAccessToken, validateAccessToken } from "./access-tokens";
import { recordAuditEvent, type RequestContext } from "./audit";
import { safeEqual } from "./crypto";
import { verifyPassword } from "./passwords";
import { checkPasswordAttempt, consumeRefresh } from "./rate-limits";
import { findPersonalAccessToken, PAT_PREFIX, revokePersonalAccessToken } from "./personal-access-tokens";
import {
  findSessionByRefreshToken,
  generateRefreshToken,
  REFRESH_TOKEN_PREFIX,
  rotateRefreshToken,
  storeRefreshToken,
} from "./refresh-tokens";
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

// The scheme name is case-insensitive (RFC 9110 §11.1).
const BASIC_SCHEME = /^Basic(?: |$)/i;
const BASIC_CREDENTIALS = /^Basic +([A-Za-z0-9+/=]+)$/i;

/** HTTP Basic client authentication (RFC 6749 §2.3.1). Returns the client id, or null. */
export function authenticateClient(authorization: string | null | undefined): string | null {
  const match = BASIC_CREDENTIALS.exec(authorization?.trim() ?? "");
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

/**
 * The client of a token or revocation request. HTTP Basic is the only method (no
 * client_secret_post), and a request authenticates the client once (RFC 6749 §2.3): a
 * client_secret in the body next to Basic, or a body client_id naming another client, is
 * invalid_request; credentials in the body without Basic are invalid_client.
 */
export function requireClient(input: { authorization: string | null | undefined; params: Record<string, unknown> }): string {
  const { authorization, params } = input;
  if (params.client_secret !== undefined && BASIC_SCHEME.test(authorization?.trim() ?? "")) {
    throw new AppError("invalid_request", { detail: "Authenticate the client once, with HTTP Basic only." });
  }
  const clientId = authenticateClient(authorization);
  if (!clientId) throw new AppError("invalid_client");
  if (params.client_id !== undefined && params.client_id !== clientId) {
    throw new AppError("invalid_request", { detail: "client_id does not name the authenticated client." });
  }
  return clientId;
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

/**
 * RFC 7009 revocation. The token's shape says what it is (`khr_` refresh token, `khp_` PAT, else
 * a JWT access token), so `token_type_hint` is not needed and a wrong hint changes nothing.
 * A refresh or access token ends its whole session, so neither of the pair keeps working; a PAT
 * is revoked on its own (the only client is the first-party BFF, so no owner check is possible).
 * A live token of another client is refused (invalid_grant) rather than answered 200 while it
 * keeps working; an unknown, expired or invalid token is not an error (§2.2).
 */
export async function revokeToken(input: { clientId: string; token: string; context: RequestContext; nowMs: number }): Promise<void> {
  const { clientId, token, context, nowMs } = input;
  if (token.startsWith(PAT_PREFIX)) {
    const pat = await findPersonalAccessToken(token);
    if (pat) await revokePersonalAccessToken(pat.userId, pat.id, context);
    return;
  }
  if (token.startsWith(REFRESH_TOKEN_PREFIX)) {
    const session = await findSessionByRefreshToken(token);
    if (!session || session.revokedAt) return;
    if (session.clientId !== clientId) throw new AppError("invalid_grant");
    await revokeSession(session.id, "sign_out", { context, nowMs });
    return;
  }
  // Only a token that verifies with our keys names a session we may end.
  const claims = await validateAccessToken(token, nowMs);
  if (!claims) return;
  if (claims.client_id !== clientId) throw new AppError("invalid_grant");
  await revokeSession(claims.sid, "sign_out", { context, nowMs });
}
