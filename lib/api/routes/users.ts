import "server-only";
import { createRoute, z } from "@hono/zod-openapi";
import { changePassword, deleteUser, findRefreshReuseSincePreviousSignIn, findUserById, reauthenticateSession, registerUser, toPublicUser, updateUserName } from "../../auth";
import { getRequestContext } from "../../shared/request-context";
import { getCallerContext } from "../caller";
import { AppError } from "../../shared/errors";
import { passwordChangeSchema, profileUpdateSchema, publicUserSchema, reauthenticationSchema, registrationSchema } from "../../shared/schemas";
import { requireScope } from "../middleware/bearer-auth";
import { requireRecentAuthentication } from "../middleware/recent-authentication";
import { bearerSecurity, createRouter, problemResponses } from "../router";

const userEnvelope = z.object({ user: publicUserSchema });

const register = createRoute({
  method: "post",
  path: "/",
  tags: ["Users"],
  summary: "Register a user",
  description: "Passwords: 12 characters to 72 bytes (UTF-8), not common or easy to guess.",
  request: { body: { required: true, content: { "application/json": { schema: registrationSchema } } } },
  responses: { 201: { description: "Registered", content: { "application/json": { schema: userEnvelope } } }, ...problemResponses(400, 409, 413, 415) },
});

const me = createRoute({
  method: "get",
  path: "/",
  tags: ["Users"],
  summary: "The caller's profile",
  security: bearerSecurity,
  middleware: [requireScope("profile:read")] as const,
  responses: { 200: { description: "Profile", content: { "application/json": { schema: userEnvelope } } }, ...problemResponses(401, 403) },
});

const updateProfile = createRoute({
  method: "patch",
  path: "/",
  tags: ["Users"],
  summary: "Change your display name",
  description: "The name is trimmed; 1 to 100 characters. Needs a session (sessions:manage), not a personal access token.",
  security: bearerSecurity,
  middleware: [requireScope("sessions:manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: profileUpdateSchema } } } },
  responses: { 200: { description: "Changed", content: { "application/json": { schema: userEnvelope } } }, ...problemResponses(400, 401, 403, 413, 415) },
});

const deleteAccount = createRoute({
  method: "delete",
  path: "/",
  tags: ["Users"],
  summary: "Delete your account",
  description:
    "Deletes the account with its notes, sessions (signed out everywhere at once) and personal access tokens. Needs a session with a recent password (403 reauthentication_required).",
  security: bearerSecurity,
  middleware: [requireScope("sessions:manage")] as const,
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403) },
});

const password = createRoute({
  method: "post",
  path: "/password",
  tags: ["Users"],
  summary: "Change your password; signs out your other sessions",
  description: "The current password proves the user, so no separate re-authentication is needed. revokePersonalAccessTokens also revokes every personal access token.",
  security: bearerSecurity,
  middleware: [requireScope("sessions:manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: passwordChangeSchema } } } },
  responses: { 204: { description: "Changed" }, ...problemResponses(400, 401, 403, 413, 415, 429) },
});

const reauthenticate = createRoute({
  method: "post",
  path: "/reauthenticate",
  tags: ["Users"],
  summary: "Prove the password again in this session",
  description:
    "Opens the re-authentication window (REAUTH_WINDOW) for sensitive actions, which otherwise answer 403 reauthentication_required. Session tokens only; access tokens issued after it (refresh) carry the new auth_time. Rate limited like sign-in.",
  security: bearerSecurity,
  middleware: [requireScope("sessions:manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: reauthenticationSchema } } } },
  responses: { 204: { description: "Proven" }, ...problemResponses(400, 401, 403, 413, 415, 429) },
});

const securityNoticesEnvelope = z.object({
  /** Set when a session of this user was ended for refresh-token reuse since the previous sign-in. */
  refreshReuseDetectedAt: z.string().datetime().nullable(),
});

const securityNotices = createRoute({
  method: "get",
  path: "/security-notices",
  tags: ["Users"],
  summary: "What to tell the user at this sign-in",
  description:
    "refreshReuseDetectedAt: when the token service last ended one of the user's sessions because its refresh token was used twice (a stolen session is suspected), if that happened since the previous sign-in; null otherwise. Session tokens only.",
  security: bearerSecurity,
  middleware: [requireScope("sessions:manage")] as const,
  responses: { 200: { description: "Notices", content: { "application/json": { schema: securityNoticesEnvelope } } }, ...problemResponses(401, 403) },
});

/** Mounted at /users. */
export const usersRoutes = createRouter().openapi(register, async (c) => {
  const user = await registerUser(c.req.valid("json"), getCallerContext(c));
  return c.json({ user: toPublicUser(user) }, 201);
});

/** Mounted at /me: the caller's own account. */
export const meRoutes = createRouter()
  .openapi(me, async (c) => {
    const user = await findUserById(c.get("principal").userId);
    if (!user) throw new AppError("unauthenticated");
    return c.json({ user: toPublicUser(user) }, 200);
  })
  .openapi(updateProfile, async (c) => {
    const user = await updateUserName(c.get("principal").userId, c.req.valid("json").name);
    if (!user) throw new AppError("unauthenticated");
    return c.json({ user: toPublicUser(user) }, 200);
  })
  .openapi(deleteAccount, async (c) => {
    const principal = c.get("principal");
    requireRecentAuthentication(principal);
    if (!(await deleteUser(principal.userId, getRequestContext(c.req.raw.headers)))) throw new AppError("unauthenticated");
    return c.body(null, 204);
  })
  .openapi(password, async (c) => {
    const { userId, sessionId } = c.get("principal");
    const { currentPassword, newPassword, revokePersonalAccessTokens } = c.req.valid("json");
    const context = getRequestContext(c.req.raw.headers);
    await changePassword({ userId, currentSessionId: sessionId, currentPassword, newPassword, revokePersonalAccessTokens, context });
    return c.body(null, 204);
  })
  .openapi(securityNotices, async (c) => {
    const { userId, sessionId } = c.get("principal");
    if (!sessionId) throw new AppError("forbidden");
    const detectedAt = await findRefreshReuseSincePreviousSignIn(userId, sessionId);
    return c.json({ refreshReuseDetectedAt: detectedAt?.toISOString() ?? null }, 200);
  })
  .openapi(reauthenticate, async (c) => {
    const { userId, sessionId } = c.get("principal");
    if (!sessionId) throw new AppError("forbidden");
    await reauthenticateSession({ userId, sessionId, password: c.req.valid("json").password, context: getRequestContext(c.req.raw.headers) });
    return c.body(null, 204);
  });
