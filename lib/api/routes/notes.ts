import "server-only";
import { createRoute, z } from "@hono/zod-openapi";
import { createNote, deleteNote, findNote, listNotes, NOTES_PAGE_MAX, toNoteDto, updateNote } from "../../notes";
import { AppError } from "../../shared/errors";
import { noteInputSchema, noteListSchema, noteSchema, noteUpdateSchema } from "../../shared/schemas";
import { requireScope } from "../middleware/bearer-auth";
import { bearerSecurity, createRouter, problemResponses } from "../router";

const idParams = z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(NOTES_PAGE_MAX).default(20).openapi({ param: { name: "limit", in: "query" } }),
  cursor: z.string().max(100).optional().openapi({ param: { name: "cursor", in: "query" } }),
});
const noteEnvelope = z.object({ note: noteSchema });
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const common = { tags: ["Notes"], security: bearerSecurity };

const list = createRoute({
  ...common, method: "get", path: "/", summary: "List your notes, newest first",
  middleware: [requireScope("notes:read")] as const,
  request: { query: listQuery },
  responses: { 200: { description: "A page of notes", ...json(noteListSchema) }, ...problemResponses(400, 401, 403) },
});
const create = createRoute({
  ...common, method: "post", path: "/", summary: "Create a note",
  middleware: [requireScope("notes:write")] as const,
  request: { body: { required: true, ...json(noteInputSchema) } },
  responses: { 201: { description: "Created", ...json(noteEnvelope) }, ...problemResponses(400, 401, 403, 413, 415) },
});
const read = createRoute({
  ...common, method: "get", path: "/{id}", summary: "Read a note",
  middleware: [requireScope("notes:read")] as const,
  request: { params: idParams },
  responses: { 200: { description: "The note", ...json(noteEnvelope) }, ...problemResponses(401, 403, 404) },
});
const update = createRoute({
  ...common, method: "patch", path: "/{id}", summary: "Change a note's title or body",
  middleware: [requireScope("notes:write")] as const,
  request: { params: idParams, body: { required: true, ...json(noteUpdateSchema) } },
  responses: { 200: { description: "Updated", ...json(noteEnvelope) }, ...problemResponses(400, 401, 403, 404, 413, 415) },
});
const remove = createRoute({
  ...common, method: "delete", path: "/{id}", summary: "Delete a note",
  middleware: [requireScope("notes:write")] as const,
  request: { params: idParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

// Another user's note answers 404, exactly like a note that does not exist.
export const notesRoutes = createRouter()
  .openapi(list, async (c) => c.json(await listNotes(c.get("principal").userId, c.req.valid("query")), 200))
  .openapi(create, async (c) => c.json({ note: toNoteDto(await createNote(c.get("principal").userId, c.req.valid("json"))) }, 201))
  .openapi(read, async (c) => {
    const note = await findNote(c.get("principal").userId, c.req.valid("param").id);
    if (!note) throw new AppError("not_found");
    return c.json({ note: toNoteDto(note) }, 200);
  })
  .openapi(update, async (c) => {
    const note = await updateNote(c.get("principal").userId, c.req.valid("param").id, c.req.valid("json"));
    if (!note) throw new AppError("not_found");
    return c.json({ note: toNoteDto(note) }, 200);
  })
  .openapi(remove, async (c) => {
    if (!(await deleteNote(c.get("principal").userId, c.req.valid("param").id))) throw new AppError("not_found");
    return c.body(null, 204);
  });
