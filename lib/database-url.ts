import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

/** SQLite (a `file:` URL, the zero-configuration default) or PostgreSQL (`postgresql://` or `postgres://`). */
export type DatabaseProvider = "sqlite" | "postgresql";

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export function databaseProvider(databaseUrl: string): DatabaseProvider {
  if (databaseUrl.startsWith("file:")) return "sqlite";
  const scheme = databaseUrl.split(":")[0];
  if (isPostgresUrl(databaseUrl)) return "postgresql";
  throw new TypeError(`DATABASE_URL must be a SQLite file: URL or a postgresql:// URL, got "${scheme}:…"`);
}

/**
 * The URL to open: a `file:` URL resolved against the project root, so the CLI and the server open
 * the same file; a PostgreSQL URL as given.
 */
export function resolveDatabaseUrl(databaseUrl: string | undefined): string {
  const url = databaseUrl && databaseUrl.length > 0 ? databaseUrl : DEFAULT_DATABASE_URL;
  if (databaseProvider(url) === "postgresql") return url;
  const filePath = url.slice("file:".length);
  if (filePath === ":memory:") return url;
  return `file:${path.resolve(/*turbopackIgnore: true*/ process.cwd(), filePath)}`;
}

/** The URL fit for a log line or an error message: any password replaced by `****`. */
export function maskDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, "$1****@");
}
