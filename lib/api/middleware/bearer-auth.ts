/**
 * Bearer authentication (RFC 6750) for every protected route: a JWT access token or a personal
 * access token. Only the Authorization header is read: never a cookie, never a query parameter.
 */
import "server-only";
import type { MiddlewareHandler } from "hono";
import { hasScope, PAT_PREFIX, validateAccessToken, validatePersonalAccessToken, type Scope } from "../../auth";
import { AppError } from "../../shared/errors";
import { getRequestContext } from "../../shared/request-context";
import type { ApiEnv, Principal } from "../env";
import { bearerChallenge, problemResponse } from "../problems";

// RFC 6750 §2.1: "Bearer" 1*SP b64token. The scheme name is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_SCHEME = /^Bearer(?:\s|$)/i;
// Two Authorization headers arrive joined by ", ": a comma, then a scheme name standing alone
// (an auth-param such as Digest's `, realm="…"` has "=" after its name instead).
const SECOND_CREDENTIALS = /,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s|$)/;

type BearerCredentials = { kind: "none" } | { kind: "malformed" } | { kind: "token"; token: string };

/** RFC 6750 §3.1: no header or another scheme is "none" (401, no error code); a broken Bearer header or two headers are "malformed" (400). */
function readBearerCredentials(header: string | undefined): BearerCredentials {
  if (header === undefined) return { kind: "none" };
  const value = header.trim();
  if (SECOND_CREDENTIALS.test(value)) return { kind: "malformed" };
  if (!BEARER_SCHEME.test(value)) return { kind: "none" };
  const token = BEARER.exec(value)?.[1];
  return token ? { kind: "token", token } : { kind: "malformed" };
}

async function authenticate(token: string, headers: Headers): Promise<Principal | null> {
  if (token.startsWith(PAT_PREFIX)) {
    const pat = await validatePersonalAccessToken(token, getRequestContext(headers));
    return pat && { userId: pat.userId, sessionId: null, scope: pat.scope, kind: "personal_access_token", authTimeSeconds: null };
  }
  const claims = await validateAccessToken(token);
  return claims && { userId: claims.sub, sessionId: claims.sid, scope: claims.scope, kind: "session", authTimeSeconds: claims.auth_time ?? null };
}

export function requireScope(scope: Scope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const credentials = readBearerCredentials(c.req.header("authorization"));
    if (credentials.kind === "malformed") {
      const error = new AppError("invalid_request");
      return problemResponse(error, bearerChallenge(error, { tokenPresented: true }));
    }
    const principal = credentials.kind === "token" ? await authenticate(credentials.token, c.req.raw.headers) : null;
    if (!principal) {
      const error = new AppError("unauthenticated");
      return problemResponse(error, bearerChallenge(error, { tokenPresented: credentials.kind === "token" }));
    }
    if (!hasScope(principal.scope, scope)) {
      const error = new AppError("insufficient_scope");
      return problemResponse(error, bearerChallenge(error, { tokenPresented: true, scope }));
    }
    c.set("principal", principal);
    await next();
  };
}
