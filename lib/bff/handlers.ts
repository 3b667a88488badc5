/**
 * The /bff endpoints, one function each, called by thin route handlers. The BFF authenticates
 * only by the session cookie and never accepts a bearer token from the browser.
 */
import { NextResponse } from "next/server";
import { getConfig } from "../config";
import { AppError, problemResponse } from "../shared/errors";
import { getRequestContext, type RequestContext } from "../shared/request-context";
import { credentialsSchema, registrationSchema } from "../shared/schemas";
import { readJson } from "./body";
import { explainRefusedDevelopmentOrigin, isAllowedBffRequest } from "./csrf";
import { forwardToApi } from "./proxy";
import { ensureFreshSession } from "./refresh";
import {
  expiredSessionCookie,
  extendIdleDeadline,
  readSessionCookie,
  sealSession,
  SESSION_COOKIE_NAME,
  sessionCookie,
  type BffSession,
} from "./session-cookie";
import { registerAndSignIn, signIn, signOut, type SignedIn } from "./sign-in";
import type { ZodType } from "zod";

const LOGIN_BODY_MAX_BYTES = 8 * 1024;

type Handler = (request: Request, context: RequestContext) => Promise<Response>;

/** CSRF check, then the handler; AppErrors become problem+json, anything else a bare 500. */
function bffEndpoint(handler: Handler) {
  return async (request: Request): Promise<Response> => {
    try {
      if (!isAllowedBffRequest(request)) {
        explainRefusedDevelopmentOrigin(request.headers.get("origin"));
        throw new AppError("csrf_rejected");
      }
      return await handler(request, getRequestContext(request.headers));
    } catch (error) {
      if (error instanceof AppError) return withSessionEnded(problemResponse(error), error.code === "unauthenticated");
      console.error("Unexpected error in the BFF", error);
      return problemResponse(new AppError("internal"));
    }
  };
}

function withSessionEnded(response: Response, ended: boolean): Response {
  if (!ended) return response;
  const next = new NextResponse(response.body, response);
  next.cookies.set(expiredSessionCookie());
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

function signedInResponse({ session, sealed }: SignedIn, status: number): NextResponse {
  const response = NextResponse.json(sessionView(session), { status, headers: { "cache-control": "no-store" } });
  response.cookies.set(sessionCookie(sealed, session));
  return response;
}

function readCookie(request: Request): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE_NAME) return value.join("=");
  }
  return undefined;
}

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
  const response = new NextResponse(null, { status: 204, headers: { "cache-control": "no-store", "clear-site-data": '"cookies", "storage"' } });
  response.cookies.set(expiredSessionCookie());
  return response;
});

/** The session's user and deadlines. Counts as activity unless `?extend=false` (the idle watcher polls with it). */
export const handleSession = bffEndpoint(async (request) => {
  const session = await requireSession(request);
  const extended = new URL(request.url).searchParams.get("extend") === "false" ? "unchanged" : extendIdleDeadline(session);
  // A plain Response unless a cookie is set: NextResponse's cookie jar costs every poll ~30 µs.
  if (extended === "unchanged") return Response.json(sessionView(session), { headers: { "cache-control": "no-store" } });
  const response = NextResponse.json(sessionView(extended), { headers: { "cache-control": "no-store" } });
  response.cookies.set(sessionCookie(await sealSession(extended), extended));
  return response;
});

export const handleApiProxy = bffEndpoint(async (request, context) => {
  const session = await requireSession(request);
  const refreshed = await ensureFreshSession(session, context);
  if (!refreshed) throw new AppError("unauthenticated");
  const current = refreshed === "unchanged" ? session : refreshed.session;
  const upstream = await forwardToApi(request, current, context);
  // The API refused a token we just checked: the session was revoked. End it here too.
  if (upstream.status === 401) throw new AppError("unauthenticated");
  // Activity moves the idle deadline (a refresh already did).
  const extended = refreshed === "unchanged" ? extendIdleDeadline(session) : "unchanged";
  if (refreshed === "unchanged" && extended === "unchanged") return upstream;
  const response = new NextResponse(upstream.body, upstream);
  if (extended !== "unchanged") response.cookies.set(sessionCookie(await sealSession(extended), extended));
  else if (refreshed !== "unchanged") response.cookies.set(sessionCookie(refreshed.sealed, refreshed.session));
  return response;
});
