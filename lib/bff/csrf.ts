/**
 * CSRF defence for every state-changing /bff request (login and logout included): the request
 * must carry the static header `X-CSRF: 1` — which a cross-site form or a "simple" cross-origin
 * fetch cannot send — and come from our own origin by `Origin` or, without one, by
 * `Sec-Fetch-Site: same-origin`. SameSite=Strict on the cookie is the second layer.
 * Decision record: docs/decisions/006-csrf-header.md
 */
import { getConfig } from "../config";

export const CSRF_HEADER = "x-csrf";
const SAFE_METHODS = new Set(["GET", "HEAD"]);

export function isAllowedBffRequest(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  if (request.headers.get(CSRF_HEADER) !== "1") return false;
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite !== null && fetchSite !== "same-origin") return false;
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === getConfig().appOrigin;
  return fetchSite === "same-origin";
}
