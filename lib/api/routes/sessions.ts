import "server-only";
import { createRoute, z } from "@hono/zod-openapi";
import { listUserSessions, revokeOtherSessions, revokeUserSession } from "../../auth";
import { AppError } from "../../shared/errors";
import { getRequestContext } from "../../shared/request-context";
import { sessionSchema } from "../../shared/schemas";
import { requireScope } from "../middleware/bearer-auth";
import { requireRecentAuthentication } from "../middleware/recent-authentication";
import { bearerSecurity, createRouter, problemResponses } from "../router";

const common = { tags: ["Sessions"], security: bearerSecurity, middleware: requireScope("sessions:manage") };

const list = createRoute({
  ...common, method: "get", path: "/", summary: "Your signed-in devices",
  responses: { 200: { description: "Sessions", content: { "application/json": { schema: z.object({ items: z.array(sessionSchema) }) } } }, ...problemResponses(401, 403) },
});
const revokeOne = createRoute({
  ...common, method: "delete", path: "/{id}", summary: "Sign out one device",
  request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) }) },
  description: "Signing out another session needs a recent password (403 reauthentication_required).",
  responses: { 204: { description: "Signed out" }, ...problemResponses(401, 403, 404) },
});
const revokeOthers = createRoute({
  ...common, method: "delete", path: "/", summary: "Sign out every other device (others=true)",
  request: { query: z.object({ others: z.literal("true").openapi({ param: { name: "others", in: "query" } }) }) },
  responses: { 200: { description: "How many were signed out", content: { "application/json": { schema: z.object({ revoked: z.number() }) } } }, ...problemResponses(400, 401, 403) },
});

export const sessionsRoutes = createRouter()
  .openapi(list, async (c) => {
    const { userId, sessionId } = c.get("principal");
    return c.json({ items: await listUserSessions(userId, sessionId) }, 200);
  })
  .openapi(revokeOne, async (c) => {
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    // Signing this session itself out needs no proof; another one does.
    if (id !== principal.sessionId) requireRecentAuthentication(principal);
    const revoked = await revokeUserSession(principal.userId, id, getRequestContext(c.req.raw.headers));
    if (!revoked) throw new AppError("not_found");
    return c.body(null, 204);
  })
  .openapi(revokeOthers, async (c) => {
    requireRecentAuthentication(c.get("principal"));
    const { userId, sessionId } = c.get("principal");
    const revoked = await revokeOtherSessions(userId, sessionId, "revoked_by_user", getRequestContext(c.req.raw.headers));
    return c.json({ revoked }, 200);
  });
