/**
 * The BFF as an OAuth client of the API: it alone holds the client secret and exchanges
 * credentials and refresh tokens at the token endpoint, through the upstream.
 */
import "server-only";
import { decodeJwt } from "jose";
import { z } from "zod";
import { CLIENT_IP_HEADER } from "../api";
import { getConfig } from "../config";
import { AppError, isProblem, appErrorFromProblem } from "../shared/errors";
import type { RequestContext } from "../shared/request-context";
import { publicUserSchema } from "../shared/schemas";
import { callUpstream } from "./upstream";

/** Refresh this long before the access token expires, so a request never carries one that dies in flight. */
const REFRESH_MARGIN_MS = 30_000;

const tokenResponseSchema = z.object({
  access_token: z.string(),
  expires_in: z.number(),
  refresh_token: z.string(),
  refresh_expires_in: z.number().optional(),
});

export interface IssuedTokens {
  accessToken: string;
  /** When to refresh: 30 s before expiry, or a quarter of the lifetime for very short-lived tokens. */
  accessTokenRefreshAtMs: number;
  refreshToken: string;
  /** The session's absolute end; a fallback of SESSION_MAX_AGE for APIs that do not say. */
  sessionExpiresAtMs: number;
  sessionId: string;
}

/** The BFF's client credentials and the browser's address, for every call it makes as the client. */
function clientHeaders(context: RequestContext, contentType = "application/x-www-form-urlencoded"): Headers {
  const { bffClientId, bffClientSecret } = getConfig();
  const credentials = `${encodeURIComponent(bffClientId)}:${encodeURIComponent(bffClientSecret)}`;
  const headers = new Headers({
    authorization: `Basic ${Buffer.from(credentials).toString("base64")}`,
    "content-type": contentType,
    accept: "application/json",
  });
  if (context.ip) headers.set(CLIENT_IP_HEADER, context.ip);
  if (context.userAgent) headers.set("user-agent", context.userAgent);
  return headers;
}

/** A 429 or 503 from the API passes through to the browser with its Retry-After. */
function throwIfBusy(response: Response): void {
  const retryAfterSeconds = Number(response.headers.get("retry-after")) || undefined;
  if (response.status === 429) throw new AppError("rate_limited", { retryAfterSeconds: retryAfterSeconds ?? 60 });
  if (response.status === 503) throw new AppError("overloaded", { retryAfterSeconds: retryAfterSeconds ?? 2 });
}

/** Tokens, or null when the grant was refused (`invalid_grant`). Other failures throw. */
async function requestTokens(params: Record<string, string>, context: RequestContext, nowMs: number): Promise<IssuedTokens | null> {
  const response = await callUpstream({ method: "POST", path: "/auth/token", headers: clientHeaders(context), body: new URLSearchParams(params).toString() });
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const tokens = tokenResponseSchema.parse(body);
    const sessionId = decodeJwt(tokens.access_token).sid;
    return {
      accessToken: tokens.access_token,
      accessTokenRefreshAtMs: nowMs + tokens.expires_in * 1000 - Math.min(REFRESH_MARGIN_MS, (tokens.expires_in * 1000) / 4),
      refreshToken: tokens.refresh_token,
      sessionExpiresAtMs: nowMs + (tokens.refresh_expires_in ?? getConfig().sessionMaxAgeSeconds) * 1000,
      sessionId: typeof sessionId === "string" ? sessionId : "",
    };
  }
  const error = (body as { error?: string } | null)?.error;
  if (error === "invalid_grant") return null;
  throwIfBusy(response);
  throw new AppError("upstream_unavailable", { cause: new Error(`token endpoint answered ${response.status} ${error ?? ""}`) });
}

export function requestPasswordGrant(email: string, password: string, context: RequestContext, nowMs: number) {
  return requestTokens({ grant_type: "password", username: email, password }, context, nowMs);
}

export function requestRefreshGrant(refreshToken: string, context: RequestContext, nowMs: number) {
  return requestTokens({ grant_type: "refresh_token", refresh_token: refreshToken }, context, nowMs);
}

/** RFC 7009 revocation; failures are logged, not thrown: signing out must always clear the cookie. */
export async function revokeRefreshTokenUpstream(refreshToken: string, context: RequestContext): Promise<void> {
  try {
    const response = await callUpstream({
      method: "POST",
      path: "/auth/revoke",
      headers: clientHeaders(context),
      body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }).toString(),
    });
    if (!response.ok) console.error(`Token revocation answered ${response.status}`);
  } catch (error) {
    console.error("Token revocation failed", error);
  }
}

export async function fetchCurrentUser(accessToken: string) {
  const response = await callUpstream({
    method: "GET",
    path: "/me",
    headers: new Headers({ authorization: `Bearer ${accessToken}`, accept: "application/json" }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw isProblem(body) ? appErrorFromProblem(body) : new AppError("upstream_unavailable");
  return publicUserSchema.parse((body as { user: unknown }).user);
}

/** POST /me/reauthenticate with the session's token; a wrong password's problem passes through to the dialog. */
export async function reauthenticateUpstream(accessToken: string, password: string, context: RequestContext): Promise<void> {
  const headers = new Headers({ authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json" });
  if (context.ip) headers.set("x-forwarded-for", context.ip);
  if (context.userAgent) headers.set("user-agent", context.userAgent);
  const response = await callUpstream({ method: "POST", path: "/me/reauthenticate", headers, body: JSON.stringify({ password }) });
  if (response.ok) return;
  throwIfBusy(response);
  const body: unknown = await response.json().catch(() => null);
  throw isProblem(body) ? appErrorFromProblem(body) : new AppError("upstream_unavailable");
}

/** POST /users at the API; its problems (weak password, email taken) pass through to the form. */
export async function registerUpstream(input: { email: string; name: string; password: string }, context: RequestContext) {
  const headers = clientHeaders(context, "application/json");
  const response = await callUpstream({ method: "POST", path: "/users", headers, body: JSON.stringify(input) });
  if (response.ok) return;
  throwIfBusy(response);
  const body: unknown = await response.json().catch(() => null);
  throw isProblem(body) ? appErrorFromProblem(body) : new AppError("upstream_unavailable");
}
