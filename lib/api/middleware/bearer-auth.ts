/**
 * Bearer authentication (RFC 6750) for every protected route: a JWT access token or a personal
 * access token. Only the Authorization header is read: never a cookie, never a query parameter.
 */
import type { MiddlewareHandler } from "hono";
import { hasScope, PAT_PREFIX, validateAccessToken, validatePersonalAccessToken, type Scope } from "../../auth";
import { AppError } from "../../shared/errors";
import { getRequestContext } from "../../shared/request-context";
import type { ApiEnv, Principal } from "../env";
import { bearerChallenge, problemResponse } from "../problems";

// The scheme name is case-insensitive (RFC 7235 §2.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

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
    const header = c.req.header("authorization");
    const token = header ? BEARER.exec(header.trim())?.[1] : undefined;
    const principal = token ? await authenticate(token, c.req.raw.headers) : null;
    if (!principal) {
      const error = new AppError("unauthenticated");
      return problemResponse(error, bearerChallenge(error, { tokenPresented: header !== undefined }));
    }
    if (!hasScope(principal.scope, scope)) {
      const error = new AppError("insufficient_scope");
      return problemResponse(error, bearerChallenge(error, { tokenPresented: true, scope }));
    }
    c.set("principal", principal);
    await next();
  };
}
