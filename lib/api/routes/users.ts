import { createRoute, z } from "@hono/zod-openapi";
import { findUserById, registerUser, toPublicUser } from "../../auth";
import { getCallerContext } from "../caller";
import { AppError } from "../../shared/errors";
import { publicUserSchema, registrationSchema } from "../../shared/schemas";
import { requireScope } from "../middleware/bearer-auth";
import { bearerSecurity, createRouter, problemResponses } from "../router";

const userEnvelope = z.object({ user: publicUserSchema });

const register = createRoute({
  method: "post",
  path: "/users",
  tags: ["Users"],
  summary: "Register a user",
  description: "Passwords: 12 characters to 72 bytes (UTF-8), not common or easy to guess.",
  request: { body: { required: true, content: { "application/json": { schema: registrationSchema } } } },
  responses: { 201: { description: "Registered", content: { "application/json": { schema: userEnvelope } } }, ...problemResponses(400, 409, 413, 415) },
});

const me = createRoute({
  method: "get",
  path: "/me",
  tags: ["Users"],
  summary: "The caller's profile",
  security: bearerSecurity,
  middleware: [requireScope("profile:read")] as const,
  responses: { 200: { description: "Profile", content: { "application/json": { schema: userEnvelope } } }, ...problemResponses(401, 403) },
});

export const usersRoutes = createRouter()
  .openapi(register, async (c) => {
    const user = await registerUser(c.req.valid("json"), getCallerContext(c).context);
    return c.json({ user: toPublicUser(user) }, 201);
  })
  .openapi(me, async (c) => {
    const user = await findUserById(c.get("principal").userId);
    if (!user) throw new AppError("unauthenticated");
    return c.json({ user: toPublicUser(user) }, 200);
  });
