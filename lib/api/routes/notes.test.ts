import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "../../db";
import { createNote, NOTES_PAGE_MAX } from "../../notes";
import { api, BASE, bearer, jsonRequest, readBody, signIn, type TestUser, type TokenResponse, unauthenticatedChallenge } from "../../../test/api";

let alice: { user: TestUser; tokens: TokenResponse };
let mallory: { user: TestUser; tokens: TokenResponse };

beforeAll(async () => {
  [alice, mallory] = await Promise.all([signIn(), signIn()]);
});

const as = (who: { tokens: TokenResponse }) => bearer(who.tokens.access_token);

async function createViaApi(who: { tokens: TokenResponse }, input: unknown) {
  return readBody(await api(`${BASE}/notes`, jsonRequest("POST", input, as(who))));
}

async function getNote(who: { tokens: TokenResponse }, id: string) {
  return readBody(await api(`${BASE}/notes/${id}`, { headers: as(who) }));
}

async function listAll(who: { tokens: TokenResponse }, limit = NOTES_PAGE_MAX) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const { status, json } = await readBody(await api(`${BASE}/notes?${query}`, { headers: as(who) }));
    expect(status).toBe(200);
    expect(json.items.length).toBeLessThanOrEqual(limit);
    ids.push(...json.items.map((note: { id: string }) => note.id));
    cursor = json.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error("pagination did not end");
}

describe("notes CRUD", () => {
  test("create, read, update and delete a note", async () => {
    const created = await createViaApi(alice, { title: "  Groceries  ", body: "eggs, milk" });
    expect(created.status).toBe(201);
    const note = created.json.note;
    expect(note).toEqual({ id: expect.any(String), title: "Groceries", body: "eggs, milk", createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(note).not.toHaveProperty("userId");

    const read = await getNote(alice, note.id);
    expect(read.status).toBe(200);
    expect(read.json.note).toEqual(note);

    const updated = await readBody(await api(`${BASE}/notes/${note.id}`, jsonRequest("PATCH", { body: "eggs, milk, bread" }, as(alice))));
    expect(updated.status).toBe(200);
    expect(updated.json.note).toMatchObject({ id: note.id, title: "Groceries", body: "eggs, milk, bread" });
    expect((await getNote(alice, note.id)).json.note.body).toBe("eggs, milk, bread");

    const renamed = await readBody(await api(`${BASE}/notes/${note.id}`, jsonRequest("PATCH", { title: "Shopping" }, as(alice))));
    expect(renamed.json.note).toMatchObject({ title: "Shopping", body: "eggs, milk, bread" });

    const deleted = await api(`${BASE}/notes/${note.id}`, { method: "DELETE", headers: as(alice) });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    const gone = await getNote(alice, note.id);
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe("not_found");
    expect((await api(`${BASE}/notes/${note.id}`, { method: "DELETE", headers: as(alice) })).status).toBe(404);
  });

  test("the body is optional and defaults to empty", async () => {
    const { status, json } = await createViaApi(alice, { title: "Only a title" });
    expect(status).toBe(201);
    expect(json.note.body).toBe("");
  });

  test("a note of the maximum sizes is accepted", async () => {
    const { status, json } = await createViaApi(alice, { title: "t".repeat(200), body: "b".repeat(10_000) });
    expect(status).toBe(201);
    expect(json.note.title).toHaveLength(200);
    expect(json.note.body).toHaveLength(10_000);
  });

  test.each([
    ["a title over 200 characters", { title: "t".repeat(201) }],
    ["a body over 10000 characters", { title: "ok", body: "b".repeat(10_001) }],
    ["no title", { body: "text" }],
    ["an empty title", { title: "" }],
    ["a blank title", { title: "   " }],
    ["a NUL byte in the title", { title: "a\u0000b" }],
    ["a lone surrogate in the body", { title: "ok", body: "x\ud800" }],
    ["a numeric title", { title: 42 }],
    ["an unknown field", { title: "ok", pinned: true }],
    ["a userId", { title: "ok", userId: "someone-else" }],
  ])("creating a note with %s is refused with 400", async (_label, input) => {
    const before = await getDb().note.count({ where: { userId: alice.user.id } });
    const { status, json } = await createViaApi(alice, input);
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
    expect(await getDb().note.count({ where: { userId: alice.user.id } })).toBe(before);
  });

  test.each([
    ["a title over 200 characters", { title: "t".repeat(201) }],
    ["a body over 10000 characters", { body: "b".repeat(10_001) }],
    ["nothing to change", {}],
    ["a blank title", { title: "  " }],
  ])("updating a note with %s is refused with 400 and changes nothing", async (_label, input) => {
    const { json: created } = await createViaApi(alice, { title: "Original", body: "original body" });
    const { status, json } = await readBody(await api(`${BASE}/notes/${created.note.id}`, jsonRequest("PATCH", input, as(alice))));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
    expect((await getNote(alice, created.note.id)).json.note).toMatchObject({ title: "Original", body: "original body" });
  });

  test("writes need a JSON body: other content types are refused with 415", async () => {
    const { status, json } = await readBody(
      await api(`${BASE}/notes`, { method: "POST", headers: { ...as(alice), "Content-Type": "text/plain" }, body: '{"title":"x"}' }),
    );
    expect(status).toBe(415);
    expect(json.code).toBe("unsupported_media_type");
  });

  test("every notes route needs a bearer token", async () => {
    const { json } = await createViaApi(alice, { title: "Private" });
    for (const [method, path] of [
      ["GET", "/notes"],
      ["POST", "/notes"],
      ["GET", `/notes/${json.note.id}`],
      ["PATCH", `/notes/${json.note.id}`],
      ["DELETE", `/notes/${json.note.id}`],
    ] as const) {
      const response = await api(`${BASE}${path}`, {
        method,
        ...(method === "POST" || method === "PATCH" ? { headers: { "Content-Type": "application/json" }, body: '{"title":"x"}' } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(unauthenticatedChallenge());
    }
    expect((await getNote(alice, json.note.id)).json.note.title).toBe("Private");
  });
});

describe("notes are private to their owner", () => {
  test("another user's note is 404 on GET, PATCH and DELETE and never changes", async () => {
    const { json } = await createViaApi(alice, { title: "Alice's secret", body: "only for Alice" });
    const id = json.note.id;

    const read = await getNote(mallory, id);
    expect(read.status).toBe(404);
    expect(read.json.code).toBe("not_found");
    const patched = await readBody(await api(`${BASE}/notes/${id}`, jsonRequest("PATCH", { title: "pwned" }, as(mallory))));
    expect(patched.status).toBe(404);
    expect(patched.json.code).toBe("not_found");
    const deleted = await readBody(await api(`${BASE}/notes/${id}`, { method: "DELETE", headers: as(mallory) }));
    expect(deleted.status).toBe(404);
    expect(deleted.json.code).toBe("not_found");

    // The answers are indistinguishable from a note that does not exist.
    const missing = await getNote(mallory, crypto.randomUUID());
    expect(read.text).toBe(missing.text);

    expect((await getNote(alice, id)).json.note).toMatchObject({ title: "Alice's secret", body: "only for Alice" });
  });

  test("another user's notes never appear in a list, whatever the cursor", async () => {
    const { json } = await createViaApi(alice, { title: "Alice only" });
    const malloryNote = (await createViaApi(mallory, { title: "Mallory's" })).json.note;
    const malloryIds = await listAll(mallory);
    expect(malloryIds).toContain(malloryNote.id);
    expect(malloryIds).not.toContain(json.note.id);
    const aliceNotes = await getDb().note.findMany({ where: { userId: alice.user.id }, select: { id: true } });
    for (const note of aliceNotes) expect(malloryIds).not.toContain(note.id);

    // A cursor made from Alice's note does not open her list to Mallory.
    const aliceNote = await getDb().note.findUniqueOrThrow({ where: { id: json.note.id } });
    const cursor = `${aliceNote.createdAt.getTime() + 1}.${aliceNote.id}`;
    const page = await readBody(await api(`${BASE}/notes?cursor=${encodeURIComponent(cursor)}`, { headers: as(mallory) }));
    expect(page.status).toBe(200);
    for (const note of page.json.items) expect(aliceNotes.map((n) => n.id)).not.toContain(note.id);
  });

  test("a PATCH with userId is refused or ignored, never assigned", async () => {
    const { json } = await createViaApi(alice, { title: "Mine" });
    const id = json.note.id;
    const response = await readBody(await api(`${BASE}/notes/${id}`, jsonRequest("PATCH", { title: "Still mine", userId: mallory.user.id }, as(alice))));
    expect([200, 400]).toContain(response.status);
    const row = await getDb().note.findUniqueOrThrow({ where: { id } });
    expect(row.userId).toBe(alice.user.id);
    expect((await getNote(mallory, id)).status).toBe(404);
    expect((await getNote(alice, id)).status).toBe(200);
  });

  test("a PATCH with __proto__ or constructor is refused or ignored, never assigned", async () => {
    const { json } = await createViaApi(alice, { title: "Mine too" });
    const id = json.note.id;
    for (const body of [
      `{"title":"changed","__proto__":{"userId":"${mallory.user.id}","polluted":true}}`,
      `{"title":"changed","constructor":{"prototype":{"polluted":true}}}`,
      `{"__proto__":{"title":"from proto"}}`,
    ]) {
      const response = await readBody(await api(`${BASE}/notes/${id}`, { method: "PATCH", headers: { ...as(alice), "Content-Type": "application/json" }, body }));
      expect([200, 400]).toContain(response.status);
      const row = await getDb().note.findUniqueOrThrow({ where: { id } });
      expect(row.userId).toBe(alice.user.id);
      expect(row.title).not.toBe("from proto");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).userId).toBeUndefined();
    }
    expect((await getNote(mallory, id)).status).toBe(404);
  });

  test("a note id in another shape is not found or refused, never a server error", async () => {
    for (const id of ["not-a-uuid", "x".repeat(65), "%00", "..%2F..%2Fusers", "' OR 1=1 --"]) {
      const { status } = await getNote(alice, encodeURIComponent(id));
      expect([400, 404]).toContain(status);
    }
  });
});

describe("listing and pagination", () => {
  let owner: { user: TestUser; tokens: TokenResponse };
  const TOTAL = 105;

  beforeAll(async () => {
    owner = await signIn();
    // Several notes share a creation millisecond, so the cursor must break ties by id.
    const base = Date.now() - 60_000;
    for (let i = 0; i < TOTAL; i++) {
      const note = await createNote(owner.user.id, { title: `note ${i}`, body: "" });
      await getDb().note.update({ where: { id: note.id }, data: { createdAt: new Date(base + Math.floor(i / 4) * 1000) } });
    }
  });

  test("the default page is 20 notes, newest first", async () => {
    const { status, json } = await readBody(await api(`${BASE}/notes`, { headers: as(owner) }));
    expect(status).toBe(200);
    expect(json.items).toHaveLength(20);
    expect(json.nextCursor).toEqual(expect.any(String));
    const times = json.items.map((note: { createdAt: string }) => Date.parse(note.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test("a page holds at most 100 notes and the cursor walks every note exactly once", async () => {
    const first = await readBody(await api(`${BASE}/notes?limit=100`, { headers: as(owner) }));
    expect(first.json.items).toHaveLength(100);
    const ids = await listAll(owner, 100);
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
    const stored = await getDb().note.findMany({ where: { userId: owner.user.id }, select: { id: true } });
    expect(new Set(ids)).toEqual(new Set(stored.map((note) => note.id)));
  });

  test("small pages also walk every note exactly once, across ties in creation time", async () => {
    const ids = await listAll(owner, 7);
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
  });

  test("each note is listed exactly as stored, on the first page and after a cursor", async () => {
    const stored = await getDb().note.findMany({ where: { userId: owner.user.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 25 });
    const asListed = ({ id, title, body, createdAt, updatedAt }: (typeof stored)[number]) => ({ id, title, body, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() });
    const { json } = await readBody(await api(`${BASE}/notes`, { headers: as(owner) }));
    expect(json.items).toEqual(stored.slice(0, 20).map(asListed));
    const second = await readBody(await api(`${BASE}/notes?limit=5&cursor=${encodeURIComponent(json.nextCursor)}`, { headers: as(owner) }));
    expect(second.json.items).toEqual(stored.slice(20, 25).map(asListed));
  });

  test("the last page has no next cursor", async () => {
    const { json } = await readBody(await api(`${BASE}/notes?limit=100`, { headers: as(owner) }));
    const last = await readBody(await api(`${BASE}/notes?limit=100&cursor=${encodeURIComponent(json.nextCursor)}`, { headers: as(owner) }));
    expect(last.json.items).toHaveLength(TOTAL - 100);
    expect(last.json.nextCursor).toBeNull();
  });

  test.each(["101", "10000", "0", "-1", "abc", "1.5"])("limit=%s is refused with 400", async (limit) => {
    const { status, json } = await readBody(await api(`${BASE}/notes?limit=${limit}`, { headers: as(owner) }));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  test("a repeated limit (?limit=1&limit=10000) never returns more than 100 notes", async () => {
    for (const query of ["limit=1&limit=10000", "limit=10000&limit=1", "limit[]=10000", "limit=100&limit=100"]) {
      const { status, json } = await readBody(await api(`${BASE}/notes?${query}`, { headers: as(owner) }));
      if (status === 200) expect(json.items.length).toBeLessThanOrEqual(100);
      else expect(status).toBe(400);
    }
  });

  test.each([
    ["in the year 33658", "999999999999999"],
    ["in the year 10000", "253402300800000"],
  ])("a well-formed cursor with a time %s is answered 200 or 400, never a server error", async (_label, timestampMs) => {
    const cursor = `${timestampMs}.ffffffff-ffff-ffff-ffff-ffffffffffff`;
    const { status, json } = await readBody(await api(`${BASE}/notes?cursor=${cursor}`, { headers: as(owner) }));
    expect([200, 400]).toContain(status);
    if (status === 200) expect(json.items.length).toBeLessThanOrEqual(20);
  });

  test("an over-long cursor is refused and a malformed one never errors", async () => {
    expect((await readBody(await api(`${BASE}/notes?cursor=${"1".repeat(101)}`, { headers: as(owner) }))).status).toBe(400);
    for (const cursor of ["garbage", "99999999999999999999.x", "1.00000000-0000-0000-0000-000000000000", "0.00000000-0000-0000-0000-000000000000", ""]) {
      const { status } = await readBody(await api(`${BASE}/notes?cursor=${encodeURIComponent(cursor)}`, { headers: as(owner) }));
      expect([200, 400]).toContain(status);
    }
  });
});
