/**
 * Who is calling, for audit and rate limits. The BFF authenticates as the confidential client and
 * passes the browser's address in `Keyhole-Client-IP`; that header is trusted from it alone.
 */
import "server-only";
import type { Context } from "hono";
import { authenticateClient } from "../auth";
import { CLIENT_IP_HEADER } from "../shared/headers";
import { getRequestContext, type RequestContext } from "../shared/request-context";

/** The caller's context; `clientId` is the authenticated client, when the route has already checked it. */
export function getCallerContext(c: Context, clientId = authenticateClient(c.req.header("authorization"))): RequestContext {
  const context = getRequestContext(c.req.raw.headers);
  const forwardedIp = clientId ? c.req.header(CLIENT_IP_HEADER) : undefined;
  return forwardedIp ? { ...context, ip: forwardedIp.slice(0, 64) } : context;
}
