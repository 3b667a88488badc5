/**
 * Insecure direct object references: user B knows the ids of user A's note, session and personal
 * access token (ids leak in logs, screenshots, support tickets) and tries to read, change or
 * revoke them, through the API with B's bearer token and through the BFF with B's cookie. Each
 * answers 404 exactly as for an id that does not exist, and A's objects keep working.
 */
import { randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { bearer, passwordGrant, type Account, type BffClient } from "../fixtures";
import { expect, test } from "./support/fixtures";
import { bffHeaders, cleanContext, cookieHeader, signInBff } from "./support/attacker";

interface Victim {
  account: Account;
  accessToken: string;
  noteId: string;
  noteTitle: string;
  sessionId: string;
  patId: string;
  pat: string;
}

/** User A with one note, one API session and one personal access token. */
async function createVictim(request: APIRequestContext, bffClient: BffClient, account: Account): Promise<Victim> {
  const tokens = await passwordGrant(request, bffClient, account);
  const auth = bearer(tokens.access_token);
  const noteTitle = `victim-note-${randomBytes(4).toString("hex")}`;
  const note = await request.post("/api/v1/notes", { headers: auth, data: { title: noteTitle, body: "private" } });
  expect(note.status()).toBe(201);
  const sessions = await request.get("/api/v1/sessions", { headers: auth });
  const current = ((await sessions.json()).items as { id: string; current: boolean }[]).find((session) => session.current)!;
  expect(current).toBeTruthy();
  const pat = await request.post("/api/v1/tokens", { headers: auth, data: { name: "victim script", scopes: ["notes:read"], expiresInDays: 7 } });
  expect(pat.status()).toBe(201);
  const patBody = (await pat.json()) as { token: string; personalAccessToken: { id: string } };
  return {
    account,
    accessToken: tokens.access_token,
    noteId: (await note.json()).note.id,
    noteTitle,
    sessionId: current.id,
    patId: patBody.personalAccessToken.id,
    pat: patBody.token,
  };
}

/** A's note, session and PAT are all still intact and usable. */
async function expectVictimIntact(request: APIRequestContext, victim: Victim): Promise<void> {
  const note = await request.get(`/api/v1/notes/${victim.noteId}`, { headers: bearer(victim.accessToken) });
  expect(note.status(), "A's note still exists").toBe(200);
  expect((await note.json()).note).toMatchObject({ title: victim.noteTitle, body: "private" });
  const viaPat = await request.get(`/api/v1/notes/${victim.noteId}`, { headers: bearer(victim.pat) });
  expect(viaPat.status(), "A's PAT still works").toBe(200);
  const tokens = await request.get("/api/v1/tokens", { headers: bearer(victim.accessToken) });
  expect(((await tokens.json()).items as { id: string }[]).map((token) => token.id)).toContain(victim.patId);
  // A session revoked on this instance is refused at once; wait one poll interval to be sure.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect((await request.get("/api/v1/me", { headers: bearer(victim.accessToken) })).status(), "A's session is still alive").toBe(200);
}

test("user B cannot read, change or delete user A's note, session or PAT through the API", async ({ request, bffClient, alice, bob }) => {
  const victim = await createVictim(request, bffClient, alice);
  const intruder = await passwordGrant(request, bffClient, bob);
  const auth = bearer(intruder.access_token);

  const attempts = [
    request.get(`/api/v1/notes/${victim.noteId}`, { headers: auth }),
    request.patch(`/api/v1/notes/${victim.noteId}`, { headers: auth, data: { title: "owned", body: "owned" } }),
    request.delete(`/api/v1/notes/${victim.noteId}`, { headers: auth }),
    request.delete(`/api/v1/sessions/${victim.sessionId}`, { headers: auth }),
    request.delete(`/api/v1/tokens/${victim.patId}`, { headers: auth }),
  ];
  for (const response of await Promise.all(attempts)) {
    const body = await response.text();
    expect(response.status(), `${response.url()}: ${body}`).toBe(404);
    expect(JSON.parse(body)).toMatchObject({ code: "not_found" });
    expect(body).not.toContain(victim.noteTitle);
  }
  // The same answer as for ids that never existed: nothing tells B that A's ids are real.
  const missing = await request.delete(`/api/v1/sessions/00000000-0000-4000-8000-000000000000`, { headers: auth });
  expect(missing.status()).toBe(404);
  expect(await missing.text()).toBe(await (await request.delete(`/api/v1/sessions/${victim.sessionId}`, { headers: auth })).text());

  // B's own lists show nothing of A's.
  for (const path of ["/api/v1/notes", "/api/v1/sessions", "/api/v1/tokens", "/api/v1/activity"]) {
    const response = await request.get(path, { headers: auth });
    expect(response.status(), path).toBe(200);
    const body = await response.text();
    for (const id of [victim.noteId, victim.sessionId, victim.patId, victim.noteTitle, victim.account.id]) expect(body, path).not.toContain(id);
  }
  await expectVictimIntact(request, victim);
});

test("user B cannot read, change or delete user A's note, session or PAT through the BFF", async ({ request, bffClient, baseURL, alice, bob }) => {
  const victim = await createVictim(request, bffClient, alice);
  const intruderCookie = await signInBff(baseURL!, bob);
  const client = await cleanContext(baseURL!);
  const headers = bffHeaders(baseURL!, intruderCookie);

  const attempts: [string, string, unknown?][] = [
    ["GET", `/bff/api/notes/${victim.noteId}`],
    ["PATCH", `/bff/api/notes/${victim.noteId}`, { title: "owned" }],
    ["DELETE", `/bff/api/notes/${victim.noteId}`],
    ["DELETE", `/bff/api/sessions/${victim.sessionId}`],
    ["DELETE", `/bff/api/tokens/${victim.patId}`],
  ];
  for (const [method, path, data] of attempts) {
    const response = await client.fetch(path, { method, headers, ...(data ? { data } : {}) });
    const body = await response.text();
    expect(response.status(), `${method} ${path}: ${body}`).toBe(404);
    expect(body).not.toContain(victim.noteTitle);
  }
  for (const path of ["/bff/api/notes", "/bff/api/sessions", "/bff/api/tokens", "/bff/api/activity"]) {
    const response = await client.get(path, { headers: cookieHeader(intruderCookie) });
    expect(response.status(), path).toBe(200);
    const body = await response.text();
    for (const id of [victim.noteId, victim.sessionId, victim.patId, victim.noteTitle, victim.account.id]) expect(body, path).not.toContain(id);
  }
  await client.dispose();
  await expectVictimIntact(request, victim);
});

test("a personal access token cannot manage sessions or tokens, even its owner's", async ({ request, bffClient, alice }) => {
  const victim = await createVictim(request, bffClient, alice);
  const auth = bearer(victim.pat);
  const attempts = [
    request.get("/api/v1/sessions", { headers: auth }),
    request.delete(`/api/v1/sessions/${victim.sessionId}`, { headers: auth }),
    request.delete("/api/v1/sessions?others=true", { headers: auth }),
    request.get("/api/v1/tokens", { headers: auth }),
    request.post("/api/v1/tokens", { headers: auth, data: { name: "escalate", scopes: ["notes:write"], neverExpires: true } }),
    request.delete(`/api/v1/tokens/${victim.patId}`, { headers: auth }),
    request.post("/api/v1/notes", { headers: auth, data: { title: "needs notes:write" } }),
  ];
  for (const response of await Promise.all(attempts)) {
    expect(response.status(), response.url()).toBe(403);
    expect(response.headers()["www-authenticate"]).toContain('error="insufficient_scope"');
  }
  await expectVictimIntact(request, victim);
});
