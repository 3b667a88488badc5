/**
 * Who is calling, for audit and rate limits. `next start` puts the socket address into
 * X-Forwarded-For when the client sent none; the rightmost entry is the nearest hop.
 */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

export function getRequestContext(headers: Headers): RequestContext {
  const forwardedFor = headers.get("x-forwarded-for");
  const ip = forwardedFor?.split(",").at(-1)?.trim() || null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
