/**
 * CSRF defence for every state-changing /bff request (login and logout included): the request
 * must carry the static header `X-CSRF: 1` — which a cross-site form or a "simple" cross-origin
 * fetch cannot send — and come from our own origin by `Origin` or, without one, by
 * `Sec-Fetch-Site: same-origin`. SameSite=Strict on the cookie is the second layer.
 * Decision record: docs/decisions/006-csrf-header.md
 */
import "server-only";
import { getConfig } from "../config";
import { singleton } from "../singleton";

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

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Outside production, says in the server log why requests from a loopback origin other than
 * APP_ORIGIN (http://127.0.0.1:3000 for http://localhost:3000, or another port) are refused: the
 * browser only shows "did not come from this site". Once per origin; never in production, where a
 * foreign origin is an attack, not a typo.
 */
export function explainRefusedDevelopmentOrigin(origin: string | null): void {
  const { isProduction, appOrigin } = getConfig();
  if (isProduction || origin === null || origin === appOrigin || !URL.canParse(origin)) return;
  if (!LOOPBACK_HOSTS.has(new URL(origin).hostname)) return;
  const explained = singleton("explained-origins", () => new Set<string>());
  if (explained.has(origin)) return;
  explained.add(origin);
  console.warn(`Keyhole: refused a request from ${origin} because APP_ORIGIN is ${appOrigin}. Open the app at ${appOrigin}, or set APP_ORIGIN=${origin}.`);
}
