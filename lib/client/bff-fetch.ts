/**
 * The browser's only way to the server: same-origin calls to /bff with the anti-forgery header.
 * problem+json becomes an AppError; a 401 sends the user to sign in and back, with the BFF's reason
 * for the session's end (`reason`, lib/shared/session-end.ts) as the login page's notice; a 403
 * `reauthentication_required` asks for the password (the registered prompt) and, once it is
 * confirmed, sends the same request again.
 */
import { AppError, appErrorFromProblem, isProblem } from "../shared/errors";
import { loginPath } from "../shared/return-to";
import { withNotice } from "../shared/session-end";
import { announce, hasSignedOut } from "./session-events";

/** Polling the deadlines and signing out are not activity; everything else through the BFF is. */
const PASSIVE_PATHS = ["/bff/session?extend=false", "/bff/session?optional=true", "/bff/logout"];

/** Set once a 401 has sent this tab to the login page. */
let leavingForLogin = false;

/** Shows the password dialog; resolves true once POST /bff/reauth succeeded, false if cancelled. */
export type ReauthPrompt = () => Promise<boolean>;
let reauthPrompt: ReauthPrompt | null = null;
/** One dialog for every request that needs it at the same moment. */
let pendingPrompt: Promise<boolean> | null = null;

export function setReauthPrompt(prompt: ReauthPrompt | null): void {
  reauthPrompt = prompt;
}

function askForPassword(): Promise<boolean> {
  if (!reauthPrompt) return Promise.resolve(false);
  pendingPrompt ??= reauthPrompt().finally(() => {
    pendingPrompt = null;
  });
  return pendingPrompt;
}

export interface BffRequest {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  json?: unknown;
  /** Skip the sign-in redirect on 401 (for callers that only ask whether a session exists). */
  allowUnauthenticated?: boolean;
}

export async function bffFetch<T>(
  path: `/bff/${string}`,
  { method = "GET", json, allowUnauthenticated = false }: BffRequest = {},
  retried = false,
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", "x-csrf": "1" };
  if (json !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), credentials: "same-origin", cache: "no-store" });
  } catch (error) {
    throw new AppError("upstream_unavailable", { detail: "You appear to be offline.", cause: error });
  }
  if (response.ok && !PASSIVE_PATHS.includes(path)) announce("activity");
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body as T;
  const error = isProblem(body) ? appErrorFromProblem(body) : new AppError(response.status >= 500 ? "internal" : "invalid_request");
  // After a sign-out the tab is already on its way to the login page: no "session expired" detour.
  // The first 401 says why; a parallel one (sent after that answer cleared the cookie) cannot.
  if (response.status === 401 && !allowUnauthenticated && !hasSignedOut() && !leavingForLogin) {
    leavingForLogin = true;
    // Only a code of the fixed list travels (appErrorFromProblem dropped any other), shown as fixed text.
    const returnTo = loginPath(`${window.location.pathname}${window.location.search}`);
    window.location.assign(withNotice(returnTo, error.reason ?? "expired"));
  }
  // Asked once per call: a second refusal (or a cancelled dialog) goes to the caller.
  if (error.code === "reauthentication_required" && !retried && (await askForPassword())) {
    return bffFetch<T>(path, { method, json, allowUnauthenticated }, true);
  }
  throw error;
}
