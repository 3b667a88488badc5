import { describe, expect, test } from "vitest";
import { getDb } from "../../db";
import { api, BASE, bearer, jsonRequest, passwordGrant, readBody, registerUser, strongPassword, uniqueClientIp, uniqueEmail, unauthenticatedChallenge } from "../../../test/api";

const register = async (body: unknown) => readBody(await api(`${BASE}/users`, jsonRequest("POST", body, { "X-Forwarded-For": uniqueClientIp() })));

/** POST /api/v1/users from a client address of its own. */
const postUsers = (init: Omit<RequestInit, "headers"> & { headers: Record<string, string>; duplex?: "half" }) =>
  api(`${BASE}/users`, { ...init, method: "POST", headers: { "X-Forwarded-For": uniqueClientIp(), ...init.headers } } as RequestInit);

const validInput = () => ({ email: uniqueEmail(), name: "Ada Lovelace", password: strongPassword() });

async function userCount(email: string) {
  return getDb().user.count({ where: { email: email.trim().toLowerCase() } });
}

describe("registration", () => {
  test("a valid registration answers 201 with the public profile only", async () => {
    const input = validInput();
    const { status, json, text } = await register(input);
    expect(status).toBe(201);
    expect(json.user).toEqual({ id: expect.any(String), email: input.email, name: "Ada Lovelace", createdAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(json.user.createdAt))).toBe(false);
    expect(text).not.toContain(input.password);
    expect(text).not.toMatch(/passwordHash|\$2[aby]\$/);
    const stored = await getDb().user.findUniqueOrThrow({ where: { id: json.user.id } });
    expect(stored.passwordHash).toMatch(/^\$2[aby]\$04\$/);
    expect(stored.passwordHash).not.toContain(input.password);
  });

  test("the email is trimmed and case-folded before it is stored", async () => {
    const local = `Mixed.Case-${Date.now()}`;
    const { status, json } = await register({ ...validInput(), email: `  ${local}@Example.COM  ` });
    expect(status).toBe(201);
    expect(json.user.email).toBe(`${local.toLowerCase()}@example.com`);
  });

  test("an email that differs only in case or spaces is taken (409 email_taken)", async () => {
    const user = await registerUser();
    for (const email of [user.email, user.email.toUpperCase(), ` ${user.email} `]) {
      const { status, json } = await register({ ...validInput(), email });
      expect(status).toBe(409);
      expect(json.code).toBe("email_taken");
    }
    expect(await userCount(user.email)).toBe(1);
  });

  test("concurrent registrations of one email create exactly one account", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.all(Array.from({ length: 3 }, () => register({ ...validInput(), email })));
    expect(results.map((result) => result.status).sort()).toEqual([201, 409, 409]);
    for (const result of results.filter((r) => r.status === 409)) expect(result.json.code).toBe("email_taken");
    expect(await userCount(email)).toBe(1);
  });

  test("the user can sign in with the case-folded email in any case", async () => {
    const user = await registerUser();
    const tokens = await passwordGrant(user.email.toUpperCase(), user.password);
    expect(tokens.access_token).toBeTruthy();
  });

  test("a password shorter than 12 characters is refused with weak_password", async () => {
    const input = { ...validInput(), password: "Zq8#kP2!vL9" };
    const { status, json } = await register(input);
    expect(status).toBe(400);
    expect(json.code).toBe("weak_password");
    expect(await userCount(input.email)).toBe(0);
  });

  test("a password over 72 UTF-8 bytes is refused, never truncated", async () => {
    // 30 emoji: 30 characters, 120 bytes.
    const emoji = "🔑🦊🌵🎲🚲🧭🪁🍋🛶🎻🧩🐙🌋🪐🥨🦉🧲🛰🎈🦔🍄🚂🪴🐝🥝🦩🛸🎯🪕🐢";
    expect([...emoji]).toHaveLength(30);
    expect(Buffer.byteLength(emoji)).toBe(120);
    const input = { ...validInput(), password: emoji };
    const { status, json } = await register(input);
    expect(status).toBe(400);
    expect(json.code).toBe("weak_password");
    expect(await userCount(input.email)).toBe(0);

    // 73 bytes: a strong 71-character password plus one 2-byte letter.
    const password73 = `${strongPassword().padEnd(71, "Q")}é`;
    expect(Buffer.byteLength(password73)).toBe(73);
    const input73 = { ...validInput(), password: password73 };
    const { status: status73, json: json73 } = await register(input73);
    expect(status73).toBe(400);
    expect(json73.code).toBe("weak_password");
    expect(await userCount(input73.email)).toBe(0);
  });

  test("a strong password of exactly 72 bytes is accepted and works", async () => {
    const password = `${strongPassword()}-${"Zy7".repeat(30)}`.slice(0, 72);
    expect(Buffer.byteLength(password)).toBe(72);
    const user = await registerUser({ password });
    expect((await passwordGrant(user.email, password)).access_token).toBeTruthy();
  });

  test.each(["password1234", "qwertyuiopasdf", "aaaaaaaaaaaaaaaa", "123456789012"])(
    "the common or guessable password %j is refused with weak_password",
    async (password) => {
      const { status, json } = await register({ ...validInput(), password });
      expect(status).toBe(400);
      expect(json.code).toBe("weak_password");
    },
  );

  test("a password built from the user's own email is refused", async () => {
    const email = uniqueEmail("margaret.hamilton");
    const { status, json } = await register({ email, name: "Margaret", password: email });
    expect(status).toBe(400);
    expect(json.code).toBe("weak_password");
  });

  test.each([
    ["an unknown field", '"role":"admin"'],
    ["an id", '"id":"00000000-0000-0000-0000-000000000000"'],
    ["a password hash", '"passwordHash":"$2a$04$abcdefghijklmnopqrstuu"'],
    ["a __proto__ member", '"__proto__":{"isAdmin":true}'],
    ["a constructor member", '"constructor":{"prototype":{"isAdmin":true}}'],
  ])("a registration with %s is refused (strict schema)", async (_label, extraMember) => {
    const input = validInput();
    const body = JSON.stringify(input).replace(/}$/, `,${extraMember}}`);
    const { status, json } = await readBody(await postUsers({ headers: { "Content-Type": "application/json" }, body }));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
    expect(await userCount(input.email)).toBe(0);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  test.each([
    ["missing email", { email: undefined }],
    ["missing password", { password: undefined }],
    ["missing name", { name: undefined }],
    ["a blank name", { name: "   " }],
    ["an invalid email", { email: "not-an-email" }],
    ["an over-long email", { email: `${"a".repeat(250)}@example.com` }],
    ["an over-long name", { name: "n".repeat(101) }],
    ["a numeric password", { password: 123456789012345 }],
    ["an array as email", { email: ["a@example.com"] }],
  ])("a registration with %s is refused with invalid_request", async (_label, change) => {
    const { status, json } = await register({ ...validInput(), ...change });
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  test.each([
    ["email", (i: Record<string, string>) => ({ ...i, email: i.email!.replace("@", "\u0000@") })],
    ["name", (i: Record<string, string>) => ({ ...i, name: "Ada\u0000Lovelace" })],
    ["password", (i: Record<string, string>) => ({ ...i, password: `${i.password}\u0000` })],
  ])("a NUL byte in the %s is refused with 400", async (_field, change) => {
    const input = change(validInput());
    const { status, json } = await register(input);
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  test.each([
    ["email", (i: Record<string, string>) => ({ ...i, email: i.email!.replace("@", "\ud800@") })],
    ["name", (i: Record<string, string>) => ({ ...i, name: "Ada \ud800" })],
    ["password", (i: Record<string, string>) => ({ ...i, password: `${i.password}\ud800` })],
  ])("a lone surrogate in the %s is refused with 400", async (_field, change) => {
    const body = JSON.stringify(change(validInput()));
    expect(body).toContain("\\ud800");
    const { status, json } = await readBody(await postUsers({ headers: { "Content-Type": "application/json" }, body }));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  test.each([
    ["text/plain", "text/plain"],
    ["form-encoded", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["a JSON look-alike", "application/jsonp"],
  ])("a %s body is refused with 415", async (_label, contentType) => {
    const { status, json } = await readBody(
      await postUsers({ headers: { "Content-Type": contentType }, body: JSON.stringify(validInput()) }),
    );
    expect(status).toBe(415);
    expect(json.code).toBe("unsupported_media_type");
  });

  test("a body without a content type is refused with 415", async () => {
    const request = new Request(`http://localhost${BASE}/users`, { method: "POST", body: new TextEncoder().encode(JSON.stringify(validInput())) });
    request.headers.delete("content-type");
    const { status, json } = await readBody(await api(`${BASE}/users`, request));
    expect(status).toBe(415);
    expect(json.code).toBe("unsupported_media_type");
  });

  test("JSON with a charset parameter is accepted", async () => {
    const { status } = await readBody(
      await postUsers({ headers: { "Content-Type": "application/json; charset=utf-8" }, body: JSON.stringify(validInput()) }),
    );
    expect(status).toBe(201);
  });

  test.each([
    ["truncated JSON", '{"email": "a@example.com", "name": "A"'],
    ["a trailing comma", '{"email": "a@example.com",}'],
    ["an empty body", ""],
    ["single quotes", "{'email': 'a@example.com'}"],
  ])("malformed JSON (%s) is refused with 400", async (_label, body) => {
    const { status, json } = await readBody(await postUsers({ headers: { "Content-Type": "application/json" }, body }));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  test.each([
    ["null", "null"],
    ["an array", "[]"],
    ["a string", '"hello"'],
    ["a number", "42"],
  ])("a JSON body that is %s is refused with 400", async (_label, body) => {
    const { status, json } = await readBody(await postUsers({ headers: { "Content-Type": "application/json" }, body }));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  test("a deeply nested JSON body is refused without a crash", async () => {
    const depth = 20_000;
    const body = `{"email":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    const { status, json } = await readBody(await postUsers({ headers: { "Content-Type": "application/json" }, body }));
    expect(status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  test("a body over 64 KiB is refused with 413, with or without a Content-Length", async () => {
    const input = { ...validInput(), name: "n".repeat(65 * 1024) };
    const body = JSON.stringify(input);
    const withLength = await readBody(
      await postUsers({ headers: { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) }, body }),
    );
    expect(withLength.status).toBe(413);
    expect(withLength.json.code).toBe("payload_too_large");

    const stream = new Blob([body]).stream();
    const streamed = await readBody(
      await postUsers({ headers: { "Content-Type": "application/json" }, body: stream, duplex: "half" }),
    );
    expect(streamed.status).toBe(413);
    expect(streamed.json.code).toBe("payload_too_large");
    expect(await userCount(input.email)).toBe(0);
  });

  test("a body that lies about its Content-Length cannot get past the 64 KiB cap", async () => {
    const body = JSON.stringify({ ...validInput(), name: "n".repeat(65 * 1024) });
    const { status } = await readBody(
      await postUsers({
        headers: { "Content-Type": "application/json", "Content-Length": "100" },
        body: new Blob([body]).stream(),
        duplex: "half",
      }),
    );
    expect([400, 413]).toContain(status);
  });

  test("errors are problem+json with a stable code and no stack", async () => {
    const response = await api(`${BASE}/users`, jsonRequest("POST", { email: "x" }));
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const { json } = await readBody(response);
    expect(json).toMatchObject({ type: "urn:keyhole:problem:invalid-request", status: 400, code: "invalid_request" });
    expect(Object.keys(json).sort()).toEqual(expect.arrayContaining(["code", "status", "title", "type"]));
    expect(json).not.toHaveProperty("stack");
    expect(json).not.toHaveProperty("cause");
  });
});

describe("GET /me", () => {
  test("answers the caller's profile for a valid access token", async () => {
    const user = await registerUser();
    const { access_token } = await passwordGrant(user.email, user.password);
    const { status, json } = await readBody(await api(`${BASE}/me`, { headers: bearer(access_token) }));
    expect(status).toBe(200);
    expect(json.user).toEqual({ id: user.id, email: user.email, name: user.name, createdAt: expect.any(String) });
  });

  test("without a token answers 401 with a bare Bearer challenge", async () => {
    const response = await api(`${BASE}/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(unauthenticatedChallenge());
    expect((await readBody(response)).json.code).toBe("unauthenticated");
  });

  test("ignores cookies and query parameters: only the Authorization header authenticates", async () => {
    const user = await registerUser();
    const { access_token } = await passwordGrant(user.email, user.password);
    for (const init of [
      { headers: { Cookie: `access_token=${access_token}; __Host-keyhole=${access_token}` } },
      {},
    ]) {
      const response = await api(`${BASE}/me?access_token=${access_token}`, init);
      expect(response.status).toBe(401);
    }
  });

  test("each access token identifies its own user", async () => {
    const a = await registerUser();
    const b = await registerUser();
    const tokensA = await passwordGrant(a.email, a.password);
    const tokensB = await passwordGrant(b.email, b.password);
    expect((await readBody(await api(`${BASE}/me`, { headers: bearer(tokensA.access_token) }))).json.user.id).toBe(a.id);
    expect((await readBody(await api(`${BASE}/me`, { headers: bearer(tokensB.access_token) }))).json.user.id).toBe(b.id);
  });
});

describe("unknown routes", () => {
  test("an unknown path answers 404 problem+json", async () => {
    const response = await api(`${BASE}/does-not-exist`);
    expect(response.status).toBe(404);
    expect((await readBody(response)).json.code).toBe("not_found");
  });

  test("the token endpoint is not reachable by GET", async () => {
    const response = await api(`${BASE}/auth/token?grant_type=password`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    await readBody(response);
  });
});

