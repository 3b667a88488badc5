import { beforeAll, expect, test } from "vitest";
import { recordAuditEvent } from "../../auth";
import { api, BASE, bearer, readBody, signIn, type TestUser, type TokenResponse } from "../../../test/api";

let owner: { user: TestUser; tokens: TokenResponse };
let other: { user: TestUser; tokens: TokenResponse };

beforeAll(async () => {
  [owner, other] = await Promise.all([signIn(), signIn()]);
});

async function listAll(who: { tokens: TokenResponse }, limit: number) {
  const events: { id: string; type: string; createdAt: string }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const { status, json } = await readBody(await api(`${BASE}/activity?${query}`, { headers: bearer(who.tokens.access_token) }));
    expect(status).toBe(200);
    expect(json.items.length).toBeLessThanOrEqual(limit);
    events.push(...json.items);
    cursor = json.nextCursor;
    if (!cursor) return events;
  }
  throw new Error("pagination did not end");
}

test("the activity log walks every event of its user exactly once, newest first, ties broken by id", async () => {
  // Three events share each millisecond, so the cursor must break ties by id.
  const startMs = Date.UTC(2026, 0, 1);
  for (let index = 0; index < 12; index++) {
    await recordAuditEvent({ type: "sign_in_failed", userId: owner.user.id, nowMs: startMs + Math.floor(index / 3), detail: `event ${index}` });
  }
  await recordAuditEvent({ type: "sign_in_failed", userId: other.user.id, nowMs: startMs, detail: "someone else's" });

  const everything = await listAll(owner, 100);
  const paged = await listAll(owner, 2);
  expect(paged.map((event) => event.id)).toEqual(everything.map((event) => event.id));
  expect(new Set(paged.map((event) => event.id)).size).toBe(paged.length);
  // 12 seeded events plus the registration and sign-in that signIn() recorded.
  expect(paged.filter((event) => event.type === "sign_in_failed")).toHaveLength(12);
  const times = paged.map((event) => Date.parse(event.createdAt));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(paged.every((event) => !JSON.stringify(event).includes("someone else's"))).toBe(true);
});

test("a malformed activity cursor is a 400, never a server error", async () => {
  for (const cursor of ["garbage", "1.not-a-uuid", `${"9".repeat(15)}.ffffffff-ffff-ffff-ffff-ffffffffffff`]) {
    const { status, json } = await readBody(await api(`${BASE}/activity?cursor=${encodeURIComponent(cursor)}`, { headers: bearer(owner.tokens.access_token) }));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  }
});
