/**
 * Sensitive actions (creating a personal access token, signing out another session or all of
 * them) need the password proven in this session within REAUTH_WINDOW, as GitHub's sudo mode
 * does: an XSS or an unlocked laptop cannot mint a token that outlives sign-out. Signing in and
 * POST /me/reauthenticate prove it; the access token carries the time as `auth_time`.
 * Decision record: docs/decisions/016-reauthentication.md
 */
import "server-only";
import { getConfig } from "../../config";
import { AppError } from "../../shared/errors";
import type { Principal } from "../env";

export function requireRecentAuthentication(principal: Principal, nowMs = Date.now()): void {
  const windowSeconds = getConfig().reauthWindowSeconds;
  const authTimeSeconds = principal.kind === "session" ? principal.authTimeSeconds : null;
  if (authTimeSeconds === null || nowMs / 1000 - authTimeSeconds > windowSeconds) {
    throw new AppError("reauthentication_required");
  }
}
