/**
 * The BFF as an OAuth client of the API: it alone holds the client secret and exchanges
 * credentials and refresh tokens at the token endpoint, through the upstream.
 */
import "server-only";
import { decodeJwt } from "jose";
import { z } from "zod";
import { getConfig } from "../config";
import { AppError, isProblem, appErrorFromProblem } from "../shared/errors";
import { CLIENT_IP_HEADER } from "../shared/headers";
import type { RequestContext } from "../shared/request-context";
import { publicUserSchema, type PublicUserDto } from "../shared/schemas";
import { sessionHeaders, type Upstream } from "./upstream";

/** Refresh this long before the access token expires, so a request never carries one that dies in flight. */
const REFRESH_MARGIN_MS = 30_000;

const tokenResponseSchema = z.object({
  access_token: z.string(),
  expires_in: z.number(),
  refresh_token: z.string(),
  refresh_expires_in: z.number().optional(),
});

const securityNoticesSchema = z.object({ refreshReuseDetectedAt: z.string().datetime().nullable() });

export interface IssuedTokens {
  accessToken: string;
  /** When to refresh: 30 s before expiry, or a quarter of the lifetime for very short-lived tokens. */
  accessTokenRefreshAtMs: number;
  refreshToken: string;
  /** The session's absolute end; a fallback of SESSION_MAX_AGE for APIs that do not say. */
  sessionExpiresAtMs: number;
  sessionId: string;
}

export interface TokenClient {
  /** Tokens, or null when the credentials were refused. */
  requestPasswordGrant(email: string, password: string, context: RequestContext, nowMs: number): Promise<IssuedTokens | null>;
  /** Tokens, or null when the refresh token is dead (the session is over). */
  requestRefreshGrant(refreshToken: string, context: RequestContext, nowMs: number): Promise<IssuedTokens | null>;
  /** RFC 7009; failures are logged, not thrown: signing out must always clear the cookie. */
  revokeRefreshToken(refreshToken: string, context: RequestContext): Promise<void>;
  fetchCurrentUser(accessToken: string): Promise<PublicUserDto>;
  /**
   * GET /me/security-notices: when a session of the user was ended for refresh-token reuse since
   * the previous sign-in, or null (also when the API does not offer the route, or fails: a notice
   * is a courtesy that never blocks a sign-in).
   */
  fetchRefreshReuseNotice(accessToken: string): Promise<Date | null>;
  /** POST /users; its problems (weak password, email taken) pass through to the form. */
  register(input: { email: string; name: string; password: string }, context: RequestContext): Promise<void>;
  /** POST /me/reauthenticate; a wrong password's problem passes through to the dialog. */
  reauthenticate(accessToken: string, password: string, context: RequestContext): Promise<void>;
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

/** Nothing for a 2xx; the API's problem (or a generic upstream failure) otherwise. */
async function requireOk(response: Response): Promise<void> {
  if (response.ok) return;
  throwIfBusy(response);
  const body: unknown = await response.json().catch(() => null);
  throw isProblem(body) ? appErrorFromProblem(body) : new AppError("upstream_unavailable");
}

export function createTokenClient(upstream: Upstream): TokenClient {
  async function requestTokens(params: Record<string, string>, context: RequestContext, nowMs: number): Promise<IssuedTokens | null> {
    const response = await upstream.call({ method: "POST", path: "/auth/token", headers: clientHeaders(context), body: new URLSearchParams(params).toString() });
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

  return {
    requestPasswordGrant: (email, password, context, nowMs) => requestTokens({ grant_type: "password", username: email, password }, context, nowMs),
    requestRefreshGrant: (refreshToken, context, nowMs) => requestTokens({ grant_type: "refresh_token", refresh_token: refreshToken }, context, nowMs),

    async revokeRefreshToken(refreshToken, context) {
      try {
        const body = new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }).toString();
        const response = await upstream.call({ method: "POST", path: "/auth/revoke", headers: clientHeaders(context), body });
        if (!response.ok) console.error(`Token revocation answered ${response.status}`);
      } catch (error) {
        console.error("Token revocation failed", error);
      }
    },

    async fetchCurrentUser(accessToken) {
      const headers = new Headers({ authorization: `Bearer ${accessToken}`, accept: "application/json" });
      const response = await upstream.call({ method: "GET", path: "/me", headers });
      await requireOk(response);
      return publicUserSchema.parse(((await response.json()) as { user: unknown }).user);
    },

    async fetchRefreshReuseNotice(accessToken) {
      try {
        const headers = new Headers({ authorization: `Bearer ${accessToken}`, accept: "application/json" });
        const response = await upstream.call({ method: "GET", path: "/me/security-notices", headers });
        if (!response.ok) return null;
        const { refreshReuseDetectedAt } = securityNoticesSchema.parse(await response.json());
        return refreshReuseDetectedAt ? new Date(refreshReuseDetectedAt) : null;
      } catch (error) {
        console.error("Security notices could not be read", error);
        return null;
      }
    },

    async register(input, context) {
      const response = await upstream.call({ method: "POST", path: "/users", headers: clientHeaders(context, "application/json"), body: JSON.stringify(input) });
      await requireOk(response);
    },

    async reauthenticate(accessToken, password, context) {
      const headers = sessionHeaders(accessToken, context, { "content-type": "application/json", accept: "application/json" });
      const response = await upstream.call({ method: "POST", path: "/me/reauthenticate", headers, body: JSON.stringify({ password }) });
      await requireOk(response);
    },
  };
}
