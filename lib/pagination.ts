/**
 * Keyset pagination, newest first: the cursor is `<createdAtMs>.<id>` of the last item of the
 * previous page. A cursor that does not parse is a 400, never a silent restart at page one.
 * The lists are read with SQL through Prisma's `$queryRaw` (parameters bound, never spliced):
 * Prisma 6.19's client engine compiles every `findMany` to a plan in WebAssembly on the event
 * loop, which cost ~0.3 ms per list here, more than the rest of an API call
 * (docs/decisions/013-list-queries-in-sql.md). The notes page, the API's hottest read, is a
 * prepared statement past Prisma altogether (lib/notes.ts, docs/decisions/024-performance-at-scale.md).
 */
import { Prisma } from "./generated/prisma/client";
import { AppError } from "./shared/errors";

/** Latest instant a cursor may name (year 9999); later dates cannot be stored. */
const MAX_CURSOR_MS = 253_402_300_799_999;

interface Keyed {
  id: string;
  createdAt: Date;
}

/** The position a cursor names; undefined without one. */
export function parseCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(cursor);
  if (!match || Number(match[1]) > MAX_CURSOR_MS) {
    throw new AppError("invalid_request", { errors: [{ path: "cursor", message: "is not a cursor this API returned" }] });
  }
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

/** `AND (…)` restricting a newest-first list to the rows after the cursor; empty without one. */
export function afterCursor(cursor: string | undefined): Prisma.Sql {
  const position = parseCursor(cursor);
  if (!position) return Prisma.empty;
  const { createdAt, id } = position;
  return Prisma.sql`AND ("createdAt" < ${createdAt} OR ("createdAt" = ${createdAt} AND "id" < ${id}))`;
}

/** The ORDER BY and LIMIT of a page read with `afterCursor`: one row more than the page, to tell whether another follows. */
export function newestFirst(limit: number): Prisma.Sql {
  return Prisma.sql`ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit + 1}`;
}

/** Rows read with `newestFirst(limit)` → one page and the cursor of the next, if any. */
export function toPage<Row extends Keyed, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null };
}
