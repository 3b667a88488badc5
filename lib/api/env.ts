import type { Scope } from "../auth";

/** Who made an API request, set by the bearer middleware. */
export interface Principal {
  userId: string;
  /** The session behind a JWT access token; null for a personal access token. */
  sessionId: string | null;
  scope: string;
  kind: "session" | "personal_access_token";
}

export interface ApiEnv {
  Variables: { principal: Principal };
}

export type { Scope };
