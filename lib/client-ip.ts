/**
 * The client's address for audit and rate limits, decided once per request by server.ts: the
 * socket's peer, or with TRUST_PROXY=n the address the n-th trusted proxy saw. Whatever a client
 * writes into X-Forwarded-For beyond that is ignored, so a spoofed header cannot reset a limit.
 */
export function resolveClientIp(forwardedFor: string | string[] | undefined, socketAddress: string | undefined, trustedHops: number): string | null {
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (socketAddress) chain.push(socketAddress);
  // The last entry is our own peer; each trusted proxy vouches for the entry before it.
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? null;
}
