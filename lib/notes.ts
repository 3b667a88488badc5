/** Notes, the sample private resource: every query is scoped to its owner. */
import "server-only";
import { driverDate, getDb, preparedRead, type PreparedStatement } from "./db";
import { parseCursor, toPage } from "./pagination";
import type { Note } from "./generated/prisma/client";
import type { NoteDto } from "./shared/schemas";

export const NOTES_PAGE_MAX = 100;

export function toNoteDto(note: Pick<Note, "id" | "title" | "body" | "createdAt" | "updatedAt">): NoteDto {
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    createdAt: note.createdAt.toISOString(),
    updatedAt: note.updatedAt.toISOString(),
  };
}

/** The notes page, newest first, one row more than the page (lib/pagination.ts): the API's hottest read, so a prepared statement. */
const FIRST_PAGE: PreparedStatement = {
  name: "notes-first-page",
  sqlite: `SELECT "id", "title", "body", "createdAt", "updatedAt" FROM "Note"
    WHERE "userId" = ? ORDER BY "createdAt" DESC, "id" DESC LIMIT ?`,
  postgresql: `SELECT "id", "title", "body", "createdAt" AT TIME ZONE 'UTC' AS "createdAt", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt" FROM "Note"
    WHERE "userId" = $1 ORDER BY "Note"."createdAt" DESC, "Note"."id" DESC LIMIT $2`,
};
const NEXT_PAGE: PreparedStatement = {
  name: "notes-next-page",
  sqlite: `SELECT "id", "title", "body", "createdAt", "updatedAt" FROM "Note"
    WHERE "userId" = ? AND ("createdAt", "id") < (?, ?) ORDER BY "createdAt" DESC, "id" DESC LIMIT ?`,
  postgresql: `SELECT "id", "title", "body", "createdAt" AT TIME ZONE 'UTC' AS "createdAt", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt" FROM "Note"
    WHERE "userId" = $1 AND ("Note"."createdAt", "Note"."id") < ($2::timestamptz AT TIME ZONE 'UTC', $3)
    ORDER BY "Note"."createdAt" DESC, "Note"."id" DESC LIMIT $4`,
};

type NoteRow = Pick<Note, "id" | "title" | "body"> & { createdAt: Date | string; updatedAt: Date | string };

export async function listNotes(userId: string, options: { limit: number; cursor?: string }) {
  const after = parseCursor(options.cursor);
  const rows = after
    ? await preparedRead<NoteRow>(NEXT_PAGE, [userId, after.createdAt, after.id, options.limit + 1])
    : await preparedRead<NoteRow>(FIRST_PAGE, [userId, options.limit + 1]);
  const notes = rows.map((row) => ({ ...row, createdAt: driverDate(row.createdAt), updatedAt: driverDate(row.updatedAt) }));
  return toPage(notes, options.limit, toNoteDto);
}

export async function findNote(userId: string, id: string): Promise<Note | null> {
  return getDb().note.findFirst({ where: { id, userId } });
}

export async function createNote(userId: string, input: { title: string; body: string }): Promise<Note> {
  return getDb().note.create({ data: { id: crypto.randomUUID(), userId, title: input.title, body: input.body } });
}

export async function updateNote(userId: string, id: string, input: { title?: string; body?: string }): Promise<Note | null> {
  const { count } = await getDb().note.updateMany({ where: { id, userId }, data: input });
  return count === 0 ? null : findNote(userId, id);
}

export async function deleteNote(userId: string, id: string): Promise<boolean> {
  const { count } = await getDb().note.deleteMany({ where: { id, userId } });
  return count > 0;
}
