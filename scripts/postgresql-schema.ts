/**
 * prisma/schema.prisma is the one schema we author (SQLite, the default). Prisma needs a schema
 * file per provider, so prisma/postgresql/schema.prisma is generated from it:
 *   npm run db:schemas
 * (`npm run db:migration` runs it too). scripts/postgresql-schema.test.ts fails when the committed
 * file has drifted from what this writes.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const AUTHORED_SCHEMA = path.join(projectRoot, "prisma", "schema.prisma");
export const POSTGRESQL_SCHEMA = path.join(projectRoot, "prisma", "postgresql", "schema.prisma");

const HEADER = "// GENERATED from prisma/schema.prisma by `npm run db:schemas`: edit that file, not this one.\n";

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`prisma/schema.prisma no longer matches ${pattern}: update scripts/postgresql-schema.ts`);
  return text.replace(pattern, replacement);
}

/** The PostgreSQL twin of the authored schema: same models, its own provider and client output. */
export function toPostgresqlSchema(authored: string): string {
  let schema = replaceOnce(authored, /(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"');
  // Driver adapters ignore this URL (lib/config.ts reads DATABASE_URL), but Prisma checks its scheme.
  schema = replaceOnce(schema, /(datasource db \{[^}]*url\s*=\s*)"file:[^"]*"/, '$1"postgresql://localhost:5432/keyhole"');
  schema = replaceOnce(schema, /(output\s*=\s*)"\.\.\/lib\/generated\/prisma"/, '$1"../../lib/generated/prisma-postgresql"');
  return HEADER + schema;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.dirname(POSTGRESQL_SCHEMA), { recursive: true });
  fs.writeFileSync(POSTGRESQL_SCHEMA, toPostgresqlSchema(fs.readFileSync(AUTHORED_SCHEMA, "utf8")));
  console.log(`Wrote ${path.relative(projectRoot, POSTGRESQL_SCHEMA)}`);
}
