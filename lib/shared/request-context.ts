/**
 * Who is calling, for audit and rate limits. server.ts has already replaced X-Forwarded-For with
 * the one address it trusts (see lib/client-ip.ts); under `next dev` the header is not checked.
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
