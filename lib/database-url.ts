import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

/** Resolves a `file:` SQLite URL against the project root, so the CLI and the server open the same file. */
export function sqliteFileUrl(databaseUrl: string | undefined): string {
  const url = databaseUrl && databaseUrl.length > 0 ? databaseUrl : DEFAULT_DATABASE_URL;
  if (!url.startsWith("file:")) {
    throw new TypeError(`DATABASE_URL must be a file: URL for SQLite, got "${url.split(":")[0]}:…"`);
  }
  const filePath = url.slice("file:".length);
  if (filePath === ":memory:") return url;
  return `file:${path.resolve(/*turbopackIgnore: true*/ process.cwd(), filePath)}`;
}
