import "server-only";
import type { Scope } from "../auth";

/** Who made an API request, set by the bearer middleware. */
export interface Principal {
  userId: string;
  /** The session behind a JWT access token; null for a personal access token. */
  sessionId: string | null;
  scope: string;
  kind: "session" | "personal_access_token";
  /** When the password was last proven in the session (the JWT's auth_time); null for a PAT. */
  authTimeSeconds: number | null;
}

export interface ApiEnv {
  Variables: { principal: Principal };
}

export type { Scope };
