import "server-only";
import { createRoute, z } from "@hono/zod-openapi";
import { listAuditEvents } from "../../auth";
import { auditEventPageSchema } from "../../shared/schemas";
import { requireScope } from "../middleware/bearer-auth";
import { bearerSecurity, createRouter, problemResponses } from "../router";

const ACTIVITY_PAGE_MAX = 100;

const list = createRoute({
  method: "get", path: "/", tags: ["Activity"], summary: "Your security events, newest first",
  security: bearerSecurity,
  middleware: requireScope("sessions:manage"),
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(ACTIVITY_PAGE_MAX).default(50).openapi({ param: { name: "limit", in: "query" } }),
      cursor: z.string().max(100).optional().openapi({ param: { name: "cursor", in: "query" } }),
    }),
  },
  responses: {
    200: { description: "A page of events", content: { "application/json": { schema: auditEventPageSchema } } },
    ...problemResponses(400, 401, 403),
  },
});

export const activityRoutes = createRouter().openapi(list, async (c) => c.json(await listAuditEvents(c.get("principal").userId, c.req.valid("query")), 200));
