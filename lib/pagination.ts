/**
 * Keyset pagination, newest first: the cursor is `<createdAtMs>.<id>` of the last item of the
 * previous page. A cursor that does not parse is a 400, never a silent restart at page one.
 */
import { AppError } from "./shared/errors";

/** Latest instant a cursor may name (year 9999); later dates cannot be stored. */
const MAX_CURSOR_MS = 253_402_300_799_999;

interface Keyed {
  id: string;
  createdAt: Date;
}

export function keysetWhere(cursor: string | undefined) {
  if (cursor === undefined) return {};
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(cursor);
  if (!match || Number(match[1]) > MAX_CURSOR_MS) {
    throw new AppError("invalid_request", { errors: [{ path: "cursor", message: "is not a cursor this API returned" }] });
  }
  const createdAt = new Date(Number(match[1]));
  const id = match[2]!;
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

export const NEWEST_FIRST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** Rows fetched with `take: limit + 1` → one page and the cursor of the next, if any. */
export function toPage<Row extends Keyed, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null };
}
