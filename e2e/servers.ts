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
export interface ServerSpec {
  env?: Record<string, string>;
  database?: string;
}

export const SERVER_SPECS = {
  /** The default instance: `baseURL` of every test. */
  main: {},
  // shortTtl: { env: { ACCESS_TOKEN_TTL: "5s" } },
  // replicaA: { database: "replicas" },
  // replicaB: { database: "replicas" },
} satisfies Record<string, ServerSpec>;

export type ServerName = keyof typeof SERVER_SPECS;

export const DEFAULT_SERVER: ServerName = "main";
