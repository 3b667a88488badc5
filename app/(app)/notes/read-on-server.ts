/**
 * Reads a /bff/api path while rendering a page, as the signed-in browser would: the page's own
 * request (its cookie, its address) goes through the same BFF proxy handler the browser's query
 * calls, so the API checks the token exactly as for the browser. Never a second way to the data.
 */
import "server-only";
import { headers } from "next/headers";
import { getConfig } from "@/lib/config";
import type { BffSession } from "@/lib/bff";
import { getBff } from "@/lib/wiring";

/** Leaves room before the BFF would refresh, so the page never rotates tokens it cannot hand back. */
const REFRESH_MARGIN_MS = 5_000;

/**
 * The JSON answer, or an error when the page cannot read it itself and the browser should.
 * A server component cannot set cookies: when the access token is due for refresh, reading now
 * would rotate the refresh token into a cookie the browser never gets, so this refuses instead.
 */
export async function readBffOnServer<T>(session: BffSession, path: `/bff/api/${string}`, nowMs = Date.now()): Promise<T> {
  if (nowMs + REFRESH_MARGIN_MS >= session.accessTokenRefreshAtMs) throw new Error("access token due for refresh: the browser reads instead");
  const incoming = await headers();
  const forwarded = new Headers({ accept: "application/json" });
  for (const name of ["cookie", "user-agent", "x-forwarded-for"]) {
    const value = incoming.get(name);
    if (value !== null) forwarded.set(name, value);
  }
  const response = await getBff().handleApiProxy(new Request(`${getConfig().appOrigin}${path}`, { headers: forwarded }));
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}
