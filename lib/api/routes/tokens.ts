import "server-only";
import { createRoute, z } from "@hono/zod-openapi";
import { createPersonalAccessToken, listPersonalAccessTokens, PAT_NAME_MAX_LENGTH, PAT_SCOPES, revokePersonalAccessToken } from "../../auth";
import { AppError } from "../../shared/errors";
import { getRequestContext } from "../../shared/request-context";
import { personalAccessTokenSchema, text } from "../../shared/schemas";
import { requireScope } from "../middleware/bearer-auth";
import { requireRecentAuthentication } from "../middleware/recent-authentication";
import { bearerSecurity, createRouter, problemResponses } from "../router";

const DAY_MS = 86_400_000;
const MAX_EXPIRY_DAYS = 366;

const createSchema = z
  .strictObject({
    name: text({ min: 1, max: PAT_NAME_MAX_LENGTH }).pipe(z.string().trim().min(1, "must not be blank")),
    scopes: z.array(z.enum(PAT_SCOPES)).min(1, "choose at least one scope").max(PAT_SCOPES.length),
    // 7, 30 or 90 days, a date within a year, or "never" (the UI warns before offering it).
    expiresInDays: z.union([z.literal(7), z.literal(30), z.literal(90)]).optional(),
    expiresAt: z.string().datetime().optional(),
    neverExpires: z.literal(true).optional(),
  })
  .refine((value) => [value.expiresInDays, value.expiresAt, value.neverExpires].filter((v) => v !== undefined).length === 1, {
    message: "give exactly one of expiresInDays, expiresAt or neverExpires",
  })
  .openapi("PersonalAccessTokenInput");

const common = { tags: ["Personal access tokens"], security: bearerSecurity, middleware: requireScope("tokens:manage") };

const list = createRoute({
  ...common, method: "get", path: "/", summary: "Your personal access tokens (never the secret)",
  responses: { 200: { description: "Tokens", content: { "application/json": { schema: z.object({ items: z.array(personalAccessTokenSchema) }) } } }, ...problemResponses(401, 403) },
});
const create = createRoute({
  ...common, method: "post", path: "/", summary: "Create a token; the secret is in this answer only",
  request: { body: { required: true, content: { "application/json": { schema: createSchema } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: z.object({ token: z.string(), personalAccessToken: personalAccessTokenSchema }) } } },
    ...problemResponses(400, 401, 403, 413, 415),
  },
});
const revoke = createRoute({
  ...common, method: "delete", path: "/{id}", summary: "Revoke a token",
  request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
});

export const tokensRoutes = createRouter()
  .openapi(list, async (c) => c.json({ items: await listPersonalAccessTokens(c.get("principal").userId) }, 200))
  .openapi(create, async (c) => {
    const input = c.req.valid("json");
    const nowMs = Date.now();
    requireRecentAuthentication(c.get("principal"), nowMs);
    let expiresAt: Date | null = null;
    if (input.expiresInDays) expiresAt = new Date(nowMs + input.expiresInDays * DAY_MS);
    if (input.expiresAt) {
      expiresAt = new Date(input.expiresAt);
      if (expiresAt.getTime() <= nowMs || expiresAt.getTime() > nowMs + MAX_EXPIRY_DAYS * DAY_MS) {
        throw new AppError("invalid_request", { errors: [{ path: "expiresAt", message: "must be in the future and within a year" }] });
      }
    }
    const { token, record } = await createPersonalAccessToken({
      userId: c.get("principal").userId,
      name: input.name,
      scopes: input.scopes,
      expiresAt,
      context: getRequestContext(c.req.raw.headers),
    });
    return c.json({ token, personalAccessToken: record }, 201);
  })
  .openapi(revoke, async (c) => {
    const revoked = await revokePersonalAccessToken(c.get("principal").userId, c.req.valid("param").id, getRequestContext(c.req.raw.headers));
    if (!revoked) throw new AppError("not_found");
    return c.body(null, 204);
  });
