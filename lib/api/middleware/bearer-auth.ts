/**
 * Bearer authentication (RFC 6750) for every protected route. Only the Authorization header is
 * read: never a cookie, never a query parameter.
 */
import type { MiddlewareHandler } from "hono";
import { hasScope, validateAccessToken, type Scope } from "../../auth";
import { AppError } from "../../shared/errors";
import type { ApiEnv } from "../env";
import { bearerChallenge, problemResponse } from "../problems";

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export function requireScope(scope: Scope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const token = header ? BEARER.exec(header.trim())?.[1] : undefined;
    const claims = token ? await validateAccessToken(token) : null;
    if (!claims) {
      const error = new AppError("unauthenticated");
      return problemResponse(error, bearerChallenge(error, { tokenPresented: header !== undefined }));
    }
    if (!hasScope(claims.scope, scope)) {
      const error = new AppError("insufficient_scope");
      return problemResponse(error, bearerChallenge(error, { tokenPresented: true, scope }));
    }
    c.set("principal", { userId: claims.sub, sessionId: claims.sid, scope: claims.scope, kind: "session" });
    await next();
  };
}
