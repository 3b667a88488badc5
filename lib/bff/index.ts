import "server-only";
/** The BFF's public surface: build one with createBff (lib/wiring.ts does, once per process). */
export { createBff, type Bff } from "./create-bff";
export { systemClock, trustUpstreamSessions, type BffDependencies, type Clock, type SessionStore } from "./dependencies";
export { createHttpUpstream, createInProcessUpstream, type Upstream } from "./upstream";
export { sessionCookie, SESSION_COOKIE_NAME, type BffSession, type SessionUser } from "./session-cookie";
export type { SignedIn } from "./sign-in";
