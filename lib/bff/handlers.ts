/**
 * The /bff endpoints, one function each, called by thin route handlers. The BFF authenticates
 * only by the session cookie and never accepts a bearer token from the browser.
 */
import "server-only";
import { NextResponse } from "next/server";
import { z, type ZodType } from "zod";
import { getConfig } from "../config";
import { AppError, problemResponse, toFieldErrors } from "../shared/errors";
import { getRequestContext, type RequestContext } from "../shared/request-context";
import { credentialsSchema, publicUserSchema, reauthenticationSchema, registrationSchema } from "../shared/schemas";
import { readJson } from "./body";
import { explainRefusedDevelopmentOrigin, isAllowedBffRequest } from "./csrf";
import type { Clock } from "./dependencies";
import { forwardToApi, readForwardedRequest, type ForwardedRequest } from "./proxy";
import type { FreshSession, Refresher } from "./refresh";
import {
  expiredSessionCookie,
  extendIdleDeadline,
  findSessionCookieValue,
  sessionCookie,
  type BffSession,
  type SessionCookie,
  type SessionCookies,
  type SessionUser,
} from "./session-cookie";
import type { SignedIn, SignIn } from "./sign-in";
import type { TokenClient } from "./token-client";
import type { Upstream } from "./upstream";

const LOGIN_BODY_MAX_BYTES = 8 * 1024;

export type BffHandler = (request: Request) => Promise<Response>;

export interface BffHandlers {
  handleLogin: BffHandler;
  handleRegister: BffHandler;
  handleLogout: BffHandler;
  handleSession: BffHandler;
  handleReauth: BffHandler;
  handleApiProxy: BffHandler;
}

/** CSRF check, then the handler; errors become problem+json (see errorResponse). */
function bffEndpoint(handler: (request: Request, context: RequestContext) => Promise<Response>): BffHandler {
  return async (request) => {
    try {
      if (!isAllowedBffRequest(request)) {
        explainRefusedDevelopmentOrigin(request.headers.get("origin"));
        throw new AppError("csrf_rejected");
      }
      return await handler(request, getRequestContext(request.headers));
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** AppErrors become their problem+json (an ended session also clears the cookie); anything else a bare 500. */
function errorResponse(error: unknown): Response {
  if (!(error instanceof AppError)) {
    console.error("Unexpected error in the BFF", error);
    return problemResponse(new AppError("internal"));
  }
  const problem = problemResponse(error);
  return error.code === "unauthenticated" ? withCookie(problem, expiredSessionCookie()) : problem;
}

function withCookie(response: Response, cookie: SessionCookie | null): Response {
  if (cookie === null) return response;
  const next = new NextResponse(response.body, response);
  next.cookies.set(cookie);
  return next;
}

const renameAnswer = z.object({ user: publicUserSchema.pick({ id: true, email: true, name: true }) });

/** The user as the API answered a successful change of the profile (PATCH /me), else null. */
async function renamedUser(forwarded: ForwardedRequest, response: Response): Promise<SessionUser | null> {
  if (forwarded.method !== "PATCH" || forwarded.path !== "/me" || !response.ok) return null;
  const answer = renameAnswer.safeParse(await response.clone().json().catch(() => null));
  return answer.success ? answer.data.user : null;
}

async function parse<T>(schema: ZodType<T>, request: Request, maxBytes?: number): Promise<T> {
  const result = schema.safeParse(await readJson(request, maxBytes));
  if (!result.success) {
    throw new AppError("invalid_request", { errors: toFieldErrors(result.error.issues) });
  }
  return result.data;
}

/** What the browser may know of its session: who, and the two deadlines. Never a token. */
function sessionView(session: BffSession) {
  return {
    user: session.user,
    expiresAt: new Date(session.expiresAtMs).toISOString(),
    idleExpiresAt: new Date(session.idleExpiresAtMs).toISOString(),
    idleTimeoutSeconds: getConfig().sessionIdleTimeoutSeconds,
  };
}

const sessionViewResponse = (session: BffSession, status = 200) => Response.json(sessionView(session), { status, headers: { "cache-control": "no-store" } });

export function createHandlers(parts: {
  upstream: Upstream;
  cookies: SessionCookies;
  refresher: Refresher;
  tokens: TokenClient;
  signing: SignIn;
  clock: Clock;
}): BffHandlers {
  const { upstream, cookies, refresher, tokens, signing, clock } = parts;

  /**
   * The session as this answer leaves it, and the cookie that says so: the refreshed one, or for
   * activity the idle deadline moved (re-sealed only when it moves enough to matter), or none.
   * Every /bff answer that touches a session gets its cookie from here, errors included.
   */
  async function settleSession({ session, sealed }: FreshSession, activity: boolean): Promise<{ session: BffSession; cookie: SessionCookie | null }> {
    const nowMs = clock.nowMs();
    if (sealed !== null) return { session, cookie: sessionCookie(sealed, session, nowMs) };
    const extended = activity ? extendIdleDeadline(session, nowMs) : "unchanged";
    if (extended === "unchanged") return { session, cookie: null };
    return { session: extended, cookie: sessionCookie(await cookies.seal(extended), extended, nowMs) };
  }

  const signedInResponse = ({ session, sealed }: SignedIn, status: number) =>
    withCookie(sessionViewResponse(session, status), sessionCookie(sealed, session, clock.nowMs()));

  const readCookie = (request: Request) => cookies.read(findSessionCookieValue(request.headers.get("cookie")));

  /** The cookie's session, or a 401 that says why it ended (only to the cookie's holder, its owner). */
  async function requireSessionOf(request: Request): Promise<BffSession> {
    const { session, ended } = await cookies.inspect(findSessionCookieValue(request.headers.get("cookie")));
    if (!session) throw new AppError("unauthenticated", { reason: ended ?? undefined });
    return session;
  }

  /** The 401 for a session found ended after its cookie was read (a dead refresh token, the API's refusal). */
  async function sessionEnded(session: BffSession): Promise<AppError> {
    return new AppError("unauthenticated", { reason: await cookies.findEndReason(session.sessionId) });
  }

  /** The session with a usable access token; the session is over (401) when it cannot be refreshed. */
  async function requireFreshSession(session: BffSession, context: RequestContext, options?: { force?: boolean }): Promise<FreshSession> {
    const fresh = await refresher.ensureFresh(session, context, options);
    if (!fresh) throw await sessionEnded(session);
    return fresh;
  }

  return {
    handleLogin: bffEndpoint(async (request, context) =>
      signedInResponse(await signing.signIn(await parse(credentialsSchema, request, LOGIN_BODY_MAX_BYTES), context), 200),
    ),

    handleRegister: bffEndpoint(async (request, context) =>
      signedInResponse(await signing.registerAndSignIn(await parse(registrationSchema, request, LOGIN_BODY_MAX_BYTES), context), 201),
    ),

    handleLogout: bffEndpoint(async (request, context) => {
      await signing.signOut(await readCookie(request), context);
      const response = new Response(null, { status: 204, headers: { "cache-control": "no-store", "clear-site-data": '"cookies", "storage"' } });
      return withCookie(response, expiredSessionCookie());
    }),

    /**
     * The session's user and deadlines. Counts as activity unless `?extend=false` (the idle watcher
     * polls with it). `?optional=true` (the sign-in page's check for a session its navigation did
     * not carry) answers 204 instead of 401 when there is none, never extends, and clears a dead cookie.
     */
    handleSession: bffEndpoint(async (request) => {
      const params = new URL(request.url).searchParams;
      if (params.get("optional") === "true") {
        const current = await readCookie(request);
        if (current) return sessionViewResponse(current);
        const none = new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
        return withCookie(none, findSessionCookieValue(request.headers.get("cookie")) === undefined ? null : expiredSessionCookie());
      }
      const activity = params.get("extend") !== "false";
      const { session, cookie } = await settleSession({ session: await requireSessionOf(request), sealed: null }, activity);
      // A plain Response unless a cookie is set: NextResponse's cookie jar costs every poll ~30 µs.
      return withCookie(sessionViewResponse(session), cookie);
    }),

    /**
     * POST /bff/reauth `{ password }`: proves the password again for sensitive actions, then
     * refreshes at once so the cookie's access token carries the new `auth_time`. A wrong password
     * is a 400 with a field error (never a 401, which would send the browser to the sign-in page).
     */
    handleReauth: bffEndpoint(async (request, context) => {
      const session = await requireSessionOf(request);
      const { password } = await parse(reauthenticationSchema, request, LOGIN_BODY_MAX_BYTES);
      const fresh = await requireFreshSession(session, context);
      try {
        await tokens.reauthenticate(fresh.session.accessToken, password, context);
      } catch (error) {
        if (error instanceof AppError && error.code === "unauthenticated") throw await sessionEnded(fresh.session);
        // A wrong password after a refresh: the answer still carries the refreshed cookie.
        return withCookie(errorResponse(error), (await settleSession(fresh, false)).cookie);
      }
      const { session: current, cookie } = await settleSession(await requireFreshSession(fresh.session, context, { force: true }), true);
      return withCookie(sessionViewResponse(current), cookie);
    }),

    handleApiProxy: bffEndpoint(async (request, context) => {
      const session = await requireSessionOf(request);
      // Refused before any refresh: an answer that rotated the tokens must carry the new cookie.
      const forwarded = await readForwardedRequest(request);
      const fresh = await requireFreshSession(session, context);
      let response: Response;
      try {
        response = await forwardToApi(upstream, forwarded, fresh.session, context);
      } catch (error) {
        response = errorResponse(error);
      }
      // The API refused a token we just checked: the session was revoked. End it here too.
      if (response.status === 401) throw await sessionEnded(fresh.session);
      const renamed = await renamedUser(forwarded, response);
      if (renamed) {
        // The pages' header shows the session's user: the cookie carries the new name from now on.
        const session = { ...fresh.session, user: renamed };
        return withCookie(response, (await settleSession({ session, sealed: await cookies.seal(session) }, true)).cookie);
      }
      return withCookie(response, (await settleSession(fresh, true)).cookie);
    }),
  };
}
