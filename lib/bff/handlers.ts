/**
 * The /bff endpoints, one function each, called by thin route handlers. The BFF authenticates
 * only by the session cookie and never accepts a bearer token from the browser.
 */
import "server-only";
import { NextResponse } from "next/server";
import { getConfig } from "../config";
import { AppError, problemResponse } from "../shared/errors";
import { getRequestContext, type RequestContext } from "../shared/request-context";
import { credentialsSchema, reauthenticationSchema, registrationSchema } from "../shared/schemas";
import { readJson } from "./body";
import { explainRefusedDevelopmentOrigin, isAllowedBffRequest } from "./csrf";
import { forwardToApi, readForwardedRequest } from "./proxy";
import { ensureFreshSession, type FreshSession } from "./refresh";
import {
  expiredSessionCookie,
  extendIdleDeadline,
  findSessionCookieValue,
  readSessionCookie,
  sealSession,
  sessionCookie,
  type BffSession,
  type SessionCookie,
} from "./session-cookie";
import { registerAndSignIn, signIn, signOut, type SignedIn } from "./sign-in";
import { reauthenticateUpstream } from "./token-client";
import type { ZodType } from "zod";

const LOGIN_BODY_MAX_BYTES = 8 * 1024;

type Handler = (request: Request, context: RequestContext) => Promise<Response>;

/** CSRF check, then the handler; errors become problem+json (see errorResponse). */
function bffEndpoint(handler: Handler) {
  return async (request: Request): Promise<Response> => {
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

/**
 * The session as this answer leaves it, and the cookie that says so: the refreshed one, or for
 * activity the idle deadline moved (re-sealed only when it moves enough to matter), or none.
 * Every /bff answer that touches a session gets its cookie from here, errors included.
 */
async function settleSession({ session, sealed }: FreshSession, activity: boolean): Promise<{ session: BffSession; cookie: SessionCookie | null }> {
  if (sealed !== null) return { session, cookie: sessionCookie(sealed, session) };
  const extended = activity ? extendIdleDeadline(session) : "unchanged";
  if (extended === "unchanged") return { session, cookie: null };
  return { session: extended, cookie: sessionCookie(await sealSession(extended), extended) };
}

function withCookie(response: Response, cookie: SessionCookie | null): Response {
  if (cookie === null) return response;
  const next = new NextResponse(response.body, response);
  next.cookies.set(cookie);
  return next;
}

async function parse<T>(schema: ZodType<T>, request: Request, maxBytes?: number): Promise<T> {
  const result = schema.safeParse(await readJson(request, maxBytes));
  if (!result.success) {
    const errors = result.error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message }));
    throw new AppError("invalid_request", { errors });
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

function signedInResponse({ session, sealed }: SignedIn, status: number): Response {
  return withCookie(Response.json(sessionView(session), { status, headers: { "cache-control": "no-store" } }), sessionCookie(sealed, session));
}

const readCookie = (request: Request) => findSessionCookieValue(request.headers.get("cookie"));

async function requireSession(request: Request): Promise<BffSession> {
  const session = await readSessionCookie(readCookie(request));
  if (!session) throw new AppError("unauthenticated");
  return session;
}

export const handleLogin = bffEndpoint(async (request, context) =>
  signedInResponse(await signIn(await parse(credentialsSchema, request, LOGIN_BODY_MAX_BYTES), context), 200),
);

export const handleRegister = bffEndpoint(async (request, context) =>
  signedInResponse(await registerAndSignIn(await parse(registrationSchema, request, LOGIN_BODY_MAX_BYTES), context), 201),
);

export const handleLogout = bffEndpoint(async (request, context) => {
  await signOut(await readSessionCookie(readCookie(request)), context);
  return withCookie(new Response(null, { status: 204, headers: { "cache-control": "no-store", "clear-site-data": '"cookies", "storage"' } }), expiredSessionCookie());
});

/** The session's user and deadlines. Counts as activity unless `?extend=false` (the idle watcher polls with it). */
export const handleSession = bffEndpoint(async (request) => {
  const activity = new URL(request.url).searchParams.get("extend") !== "false";
  const { session, cookie } = await settleSession({ session: await requireSession(request), sealed: null }, activity);
  // A plain Response unless a cookie is set: NextResponse's cookie jar costs every poll ~30 µs.
  return withCookie(Response.json(sessionView(session), { headers: { "cache-control": "no-store" } }), cookie);
});

/**
 * POST /bff/reauth `{ password }`: proves the password again for sensitive actions, then refreshes
 * at once so the cookie's access token carries the new `auth_time`. A wrong password is a 400 with
 * a field error (never a 401, which would send the browser to the sign-in page).
 */
export const handleReauth = bffEndpoint(async (request, context) => {
  const session = await requireSession(request);
  const { password } = await parse(reauthenticationSchema, request, LOGIN_BODY_MAX_BYTES);
  const fresh = await ensureFreshSession(session, context);
  if (!fresh) throw new AppError("unauthenticated");
  try {
    await reauthenticateUpstream(fresh.session.accessToken, password, context);
  } catch (error) {
    if (error instanceof AppError && error.code === "unauthenticated") throw error;
    // A wrong password after a refresh: the answer still carries the refreshed cookie.
    return withCookie(errorResponse(error), (await settleSession(fresh, false)).cookie);
  }
  const proven = await ensureFreshSession(fresh.session, context, { force: true });
  if (!proven) throw new AppError("unauthenticated");
  const { session: current, cookie } = await settleSession(proven, true);
  return withCookie(Response.json(sessionView(current), { headers: { "cache-control": "no-store" } }), cookie);
});

export const handleApiProxy = bffEndpoint(async (request, context) => {
  const session = await requireSession(request);
  // Refused before any refresh: an answer that rotated the tokens must carry the new cookie.
  const forwarded = await readForwardedRequest(request);
  const fresh = await ensureFreshSession(session, context);
  if (!fresh) throw new AppError("unauthenticated");
  let response: Response;
  try {
    response = await forwardToApi(forwarded, fresh.session, context);
  } catch (error) {
    response = errorResponse(error);
  }
  // The API refused a token we just checked: the session was revoked. End it here too.
  if (response.status === 401) throw new AppError("unauthenticated");
  return withCookie(response, (await settleSession(fresh, true)).cookie);
});
