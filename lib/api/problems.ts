/** The one place API errors become responses: problem+json, or RFC 6749 JSON for OAuth endpoints. */
import "server-only";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { getProtectedResourceMetadataUrl } from "../auth";
import { toDatabaseUnavailableError } from "../database-errors";
import { AppError, errorHeaders, problemResponse } from "../shared/errors";

export { problemResponse };

/**
 * Turns anything thrown into an AppError: an unreachable database is `database_unavailable` (503,
 * Retry-After); other unexpected errors are logged here and become `internal`.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new AppError("payload_too_large");
    if (error.status === 415) return new AppError("unsupported_media_type");
    if (error.status < 500) return new AppError("invalid_request", { detail: "The request body is not valid JSON." });
  }
  const unavailable = toDatabaseUnavailableError(error);
  if (unavailable) return unavailable;
  console.error("Unexpected error in the API", error);
  return new AppError("internal", { cause: error });
}

/** RFC 6750 §3: how a protected resource says why a bearer token was refused. */
export function bearerChallenge(error: AppError, options: { tokenPresented: boolean; scope?: string }): Record<string, string> {
  if (error.code === "unauthenticated") {
    // RFC 9728 §5.1: tells a client without a working token where to learn how to get one.
    const metadata = `resource_metadata="${getProtectedResourceMetadataUrl()}"`;
    return { "WWW-Authenticate": `Bearer realm="keyhole", ${options.tokenPresented ? 'error="invalid_token", ' : ""}${metadata}` };
  }
  if (error.code === "invalid_request") return { "WWW-Authenticate": 'Bearer realm="keyhole", error="invalid_request"' };
  if (error.code === "insufficient_scope") {
    return { "WWW-Authenticate": `Bearer realm="keyhole", error="insufficient_scope", scope="${options.scope ?? ""}"` };
  }
  return {};
}

/** RFC 6749 §5.2 error body for the token and revocation endpoints. */
export function oauthErrorResponse(c: Context, error: AppError): Response {
  const oauthCode = ["invalid_grant", "invalid_client", "unsupported_grant_type", "rate_limited"].includes(error.code)
    ? error.code
    : error.code === "overloaded" || error.code === "database_unavailable"
      ? "temporarily_unavailable"
      : error.status >= 500
        ? "server_error"
        : "invalid_request";
  const headers: Record<string, string> = { "Cache-Control": "no-store", Pragma: "no-cache" };
  if (error.code === "invalid_client") headers["WWW-Authenticate"] = 'Basic realm="keyhole"';
  return c.json({ error: oauthCode, error_description: error.detail ?? error.message }, error.status as 400, { ...headers, ...errorHeaders(error) });
}
