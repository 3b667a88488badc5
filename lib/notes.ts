/** Notes, the sample private resource: every query is scoped to its owner. */
import { getDb } from "./db";
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

/** Cursor = `<createdAtMs>.<id>` of the last note of the previous page. */
function parseCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(cursor ?? "");
  return match ? { createdAt: new Date(Number(match[1])), id: match[2]! } : null;
}

export async function listNotes(userId: string, options: { limit: number; cursor?: string }) {
  const after = parseCursor(options.cursor);
  const notes = await getDb().note.findMany({
    where: {
      userId,
      ...(after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
  });
  const page = notes.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map(toNoteDto),
    nextCursor: notes.length > options.limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
  };
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
