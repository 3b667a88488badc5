import { decodeJwt } from "jose";
import { beforeAll, expect, test } from "vitest";
import { recordAuditEvent } from "../../auth";
import {
  api,
  BASE,
  bearer,
  clientAuthorization,
  jsonRequest,
  readBody,
  signIn,
  strongPassword,
  tokenRequest,
  type TestUser,
  type TokenResponse,
} from "../../../test/api";

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

const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_ON_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

test("signing out another device records that device in the event's detail, the actor in its IP and browser", async () => {
  const { user, tokens } = await signIn();
  const other = await readBody(
    await tokenRequest({ grant_type: "password", username: user.email, password: user.password }, { Authorization: clientAuthorization(), "User-Agent": FIREFOX_ON_WINDOWS }),
  );
  const otherSessionId = decodeJwt(other.json.access_token).sid as string;
  const revoked = await api(`${BASE}/sessions/${otherSessionId}`, { method: "DELETE", headers: { ...bearer(tokens.access_token), "User-Agent": CHROME_ON_MAC } });
  expect(revoked.status).toBe(204);

  const { json } = await readBody(await api(`${BASE}/activity`, { headers: bearer(tokens.access_token) }));
  const event = json.items.find((item: { type: string }) => item.type === "session_revoked");
  expect(event.userAgent).toBe(CHROME_ON_MAC);
  expect(JSON.parse(event.detail)).toEqual({ reason: "revoked_by_user", device: "Firefox 128 · Computer · Windows 10", ip: expect.any(String) });
});

test("a revoked token is named in the activity log, one event per token when all are revoked", async () => {
  const { user, tokens } = await signIn();
  const create = (name: string) => api(`${BASE}/tokens`, jsonRequest("POST", { name, scopes: ["notes:read"], expiresInDays: 7 }, bearer(tokens.access_token)));
  const first = await (await create("Backup script")).json();
  await create("CI deploy");
  await create("Nightly export");
  expect((await api(`${BASE}/tokens/${first.personalAccessToken.id}`, { method: "DELETE", headers: bearer(tokens.access_token) })).status).toBe(204);
  const changed = await api(
    `${BASE}/me/password`,
    jsonRequest("POST", { currentPassword: user.password, newPassword: strongPassword(), revokePersonalAccessTokens: true }, bearer(tokens.access_token)),
  );
  expect(changed.status).toBe(204);

  const { json } = await readBody(await api(`${BASE}/activity`, { headers: bearer(tokens.access_token) }));
  const revokedNames = json.items.filter((item: { type: string }) => item.type === "pat_revoked").map((item: { detail: string }) => item.detail);
  expect(revokedNames.sort()).toEqual(["Backup script", "CI deploy", "Nightly export"]);
});
