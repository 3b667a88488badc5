/** Notes, the sample private resource: every query is scoped to its owner. */
import "server-only";
import { getDb } from "./db";
import { afterCursor, newestFirst, toPage } from "./pagination";
import type { Note } from "./generated/prisma/client";
import type { NoteDto } from "./shared/schemas";

export const NOTES_PAGE_MAX = 100;

export function toNoteDto(note: Note): NoteDto {
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    createdAt: note.createdAt.toISOString(),
    updatedAt: note.updatedAt.toISOString(),
  };
}

export async function listNotes(userId: string, options: { limit: number; cursor?: string }) {
  const notes = await getDb().$queryRaw<Note[]>`
    SELECT "id", "userId", "title", "body", "createdAt", "updatedAt" FROM "Note"
    WHERE "userId" = ${userId} ${afterCursor(options.cursor)} ${newestFirst(options.limit)}`;
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
