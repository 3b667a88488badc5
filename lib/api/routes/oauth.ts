/**
 * The OAuth 2.0 endpoints: token (RFC 6749: password and refresh_token grants) and revocation
 * (RFC 7009). They speak RFC 6749 errors, not problem+json, and require HTTP Basic client
 * authentication, and only that (decision 014). Bodies may be form-encoded (as the RFC says) or JSON.
 */
import "server-only";
import { z, type OpenAPIHono } from "@hono/zod-openapi";

type OpenAPIRegistry = OpenAPIHono["openAPIRegistry"];
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  exchangePasswordGrant,
  exchangeRefreshGrant,
  requireClient,
  revokeToken,
  type RequestContext,
} from "../../auth";
import { AppError } from "../../shared/errors";
import { mediaType } from "../../shared/http";
import { text } from "../../shared/schemas";
import { getCallerContext } from "../caller";
import { createRouter } from "../router";
import { oauthErrorResponse, toAppError } from "../problems";

const OAUTH_BODY_MAX_BYTES = 8 * 1024;

const passwordGrant = z.object({
  grant_type: z.literal("password"),
  username: text({ min: 1, max: 254 }),
  password: text({ min: 1, max: 1024 }),
  scope: z.string().max(500).optional(),
});
const refreshGrant = z.object({ grant_type: z.literal("refresh_token"), refresh_token: text({ min: 1, max: 256 }), scope: z.string().max(500).optional() });
// A JWT access token is ~640 characters; 4096 leaves room for larger claims and keys.
const REVOKED_TOKEN_MAX_LENGTH = 4096;
const revocationRequest = z.object({
  token: text({ min: 1, max: REVOKED_TOKEN_MAX_LENGTH }),
  // Only a hint (RFC 7009 §2.1): the token's own shape decides what it is.
  token_type_hint: z.string().max(50).optional(),
});

/** Reads a form or JSON body into flat string parameters; a repeated parameter is invalid (RFC 6749 §3.2). */
async function readParameters(c: Context): Promise<Record<string, unknown>> {
  const type = mediaType(c.req.header("content-type"));
  const raw = await c.req.text();
  if (type === "application/x-www-form-urlencoded") {
    const params = new URLSearchParams(raw);
    const result: Record<string, string> = {};
    for (const [key, value] of params) {
      if (key in result) throw new AppError("invalid_request", { detail: `The parameter "${key}" is repeated.` });
      result[key] = value;
    }
    return result;
  }
  if (type === "application/json") {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new AppError("invalid_request", { detail: "The request body is not a JSON object." });
  }
  throw new AppError("invalid_request", { detail: "Send the parameters form-encoded (application/x-www-form-urlencoded) or as JSON." });
}

/** Reads the parameters, then authenticates the client (Basic only, once: see requireClient). */
async function readClientRequest(c: Context): Promise<{ clientId: string; context: RequestContext; params: Record<string, unknown> }> {
  const params = await readParameters(c);
  const clientId = requireClient({ authorization: c.req.header("authorization"), params });
  return { clientId, context: getCallerContext(c, clientId), params };
}

function parse<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(params);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join(".")))].join(", ");
    throw new AppError("invalid_request", { detail: `Missing or invalid parameter: ${fields}.` });
  }
  return result.data;
}

const limit = bodyLimit({ maxSize: OAUTH_BODY_MAX_BYTES, onError: (c) => oauthErrorResponse(c, new AppError("payload_too_large")) });

/** Mounted at /auth. Its errors speak RFC 6749, not problem+json. */
export const oauthRoutes = createRouter()
  .post("/token", limit, async (c) => {
    const { clientId, context, params } = await readClientRequest(c);
    const nowMs = Date.now();
    let tokens;
    if (params.grant_type === "password") {
      const { username, password } = parse(passwordGrant, params);
      tokens = await exchangePasswordGrant({ clientId, email: username, password, context, nowMs });
    } else if (params.grant_type === "refresh_token") {
      const { refresh_token } = parse(refreshGrant, params);
      tokens = await exchangeRefreshGrant({ clientId, refreshToken: refresh_token, context, nowMs });
    } else if (typeof params.grant_type === "string") {
      throw new AppError("unsupported_grant_type");
    } else {
      throw new AppError("invalid_request", { detail: "Missing parameter: grant_type." });
    }
    return c.json(
      {
        access_token: tokens.accessToken,
        token_type: tokens.tokenType,
        expires_in: tokens.expiresInSeconds,
        refresh_token: tokens.refreshToken,
        refresh_expires_in: tokens.refreshExpiresInSeconds,
        scope: tokens.scope,
      },
      200,
      { "Cache-Control": "no-store", Pragma: "no-cache" },
    );
  })
  .post("/revoke", limit, async (c) => {
    const { clientId, context, params } = await readClientRequest(c);
    const { token } = parse(revocationRequest, params);
    await revokeToken({ clientId, token, context, nowMs: Date.now() });
    return c.body(null, 200, { "Cache-Control": "no-store" });
  });
oauthRoutes.onError((error, c) => oauthErrorResponse(c, toAppError(error)));

/** The token and revocation endpoints parse their own bodies (RFC 6749 rules), so they are documented here. */
export function registerOAuthDocs(registry: OpenAPIRegistry): void {
  const form = (schema: z.ZodType) => ({
    content: { "application/x-www-form-urlencoded": { schema }, "application/json": { schema } },
  });
  const oauthError = {
    content: { "application/json": { schema: z.object({ error: z.string(), error_description: z.string().optional() }) } },
  };
  registry.registerComponent("securitySchemes", "clientBasic", { type: "http", scheme: "basic", description: "the first-party client's id and secret (HTTP Basic, RFC 6749 §2.3.1)" });
  registry.registerPath({
    method: "post",
    path: "/auth/token",
    tags: ["OAuth"],
    summary: "Token endpoint (RFC 6749): password or refresh_token grant",
    security: [{ clientBasic: [] }],
    request: { body: { required: true, ...form(z.union([passwordGrant, refreshGrant])) } },
    responses: {
      200: {
        description: "Tokens (Cache-Control: no-store)",
        content: {
          "application/json": {
            schema: z.object({
              access_token: z.string(),
              token_type: z.literal("Bearer"),
              expires_in: z.number(),
              refresh_token: z.string(),
              refresh_expires_in: z.number(),
              scope: z.string(),
            }),
          },
        },
      },
      400: { description: "invalid_request, invalid_grant, unsupported_grant_type", ...oauthError },
      401: { description: "invalid_client", ...oauthError },
      429: { description: "rate_limited (Retry-After)", ...oauthError },
      503: { description: "temporarily_unavailable (Retry-After): the server is busy or its database unreachable", ...oauthError },
    },
  });
  registry.registerPath({
    method: "post",
    path: "/auth/revoke",
    tags: ["OAuth"],
    summary: "Revocation (RFC 7009): a refresh or access token ends its session, a personal access token is revoked",
    description:
      "The token's shape decides its type; token_type_hint is accepted and ignored. 200 also for an unknown, expired or invalid token. A live token issued to another client is refused with invalid_grant.",
    security: [{ clientBasic: [] }],
    request: { body: { required: true, ...form(revocationRequest) } },
    responses: { 200: { description: "Revoked (or unknown)" }, 400: { description: "invalid_request, invalid_grant (another client's token)", ...oauthError }, 401: { description: "invalid_client", ...oauthError } },
  });
}
