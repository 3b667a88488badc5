/**
 * Where the layers are wired, once per process: the BFF gets the built-in API in-process (or the
 * external API at API_BASE_URL over HTTP) and the token service's session store. Route handlers,
 * pages and server actions take the BFF from here; nothing inside lib/bff imports another layer.
 */
import "server-only";
import { API_BASE_PATH, getApiApp } from "./api";
import { findRevocationReason, isSessionRevoked } from "./auth";
import { createBff, createHttpUpstream, createInProcessUpstream, trustUpstreamSessions, type Bff, type BffDependencies } from "./bff";
import { getConfig } from "./config";
import { toDatabaseUnavailableError } from "./database-errors";
import { singleton } from "./singleton";

/** What the BFF is given in this deployment. */
export function bffDependencies(): BffDependencies {
  const { apiBaseUrl, appOrigin } = getConfig();
  if (apiBaseUrl) return { upstream: createHttpUpstream(apiBaseUrl), sessions: trustUpstreamSessions };
  return {
    upstream: createInProcessUpstream(`${appOrigin}${API_BASE_PATH}`, (request) => getApiApp().fetch(request)),
    sessions: {
      async isActive(sessionId, nowMs) {
        try {
          return !(await isSessionRevoked(sessionId, nowMs));
        } catch (error) {
          // Not knowing is not "ended": an unreachable database is a 503, and the cookie is kept.
          throw toDatabaseUnavailableError(error) ?? error;
        }
      },
      findRevocationReason,
    },
  };
}

export function getBff(): Bff {
  return singleton("bff", () => createBff(bffDependencies()));
}
