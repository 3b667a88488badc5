/**
 * The production servers the E2E suite starts: one production server (server.ts) of the same build per entry,
 * each on its own free port, all with the same per-run secrets (see e2e/support/test-run.ts).
 * Add an entry and it gets a webServer in playwright.config.ts and a URL in the `servers`
 * fixture (`servers.shortTtl`, `apiFor("shortTtl")`).
 *
 * - `env`: extra environment for that instance, e.g. `{ ACCESS_TOKEN_TTL: "5s" }`.
 * - `database`: instances naming the same database share one SQLite file and one token issuer
 *   and audience, like replicas behind a load balancer, so a token issued by one is accepted by
 *   the other. Each keeps its own APP_ORIGIN, so a browser on its port passes same-origin checks.
 *   Servers start one after another, so only the first one of a group migrates the file.
 */
import { fakeApiBaseUrl, rotationEnv } from "./security/support/server-secrets";

export interface ServerSpec {
  env?: Record<string, string>;
  database?: string;
}

export const SERVER_SPECS = {
  /** The default instance: `baseURL` of every test. */
  main: {},
  /** Access tokens that die every 5 s: the BFF refreshes them while the user works (e2e/session.spec.ts). */
  shortTtl: { env: { ACCESS_TOKEN_TTL: "5s" } },
  /** Idle timeout short enough to watch the warning and the sign-out (e2e/idle.spec.ts). */
  shortIdle: { env: { SESSION_IDLE_TIMEOUT: "15s" } },
  /** Two replicas behind an imaginary load balancer (e2e/security/revocation-across-instances.spec.ts). */
  replicaA: { database: "replicas" },
  replicaB: { database: "replicas" },
  /**
   * Security suite: its own database, so exhausting the sign-in limits from 127.0.0.1
   * (e2e/security/rate-limits.spec.ts) never locks out another test signing in to `main`.
   */
  limits: {},
  /** Sign-in burst against one account (e2e/security/rate-limits.spec.ts), with a database of its own. */
  burst: {},
  /** "Try again in …" after too many sign-ins (e2e/session-end.spec.ts): its own per-IP budget. */
  signInLimit: {},
  /** Sensitive actions ask for the password again 3 s after sign-in (e2e/reauth.spec.ts). */
  shortReauth: { env: { REAUTH_WINDOW: "3s" } },
  /** Secrets rotation (e2e/security/secrets-rotation.spec.ts): before and after, sharing one database. */
  rotationOld: { database: "rotation", env: rotationEnv.old },
  rotationNew: { database: "rotation", env: rotationEnv.new },
  /** A BFF in front of an external API: the fake one e2e/security/external-upstream.spec.ts serves. */
  externalApi: { env: { API_BASE_URL: fakeApiBaseUrl } },
  /** The variable that once turned benchmark routes on: a production build ignores it (framework-pitfalls.spec.ts). */
  benchVariable: { env: { KEYHOLE_BENCH: "1" } },
} satisfies Record<string, ServerSpec>;

export type ServerName = keyof typeof SERVER_SPECS;

export const DEFAULT_SERVER: ServerName = "main";
