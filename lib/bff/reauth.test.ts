import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registerUser, type TestUser } from "../../test/api";
import { ORIGIN, SAME_ORIGIN, sessionCookieFrom as cookieFrom, signInThroughBff as signIn, withSessionCookie as cookieHeader, bff, startNewInstance } from "../../test/bff";
/** Past the default re-authentication window (10 minutes). */
const AFTER_WINDOW_MS = 11 * 60_000;

const withCookie = (cookie: string) => ({ ...SAME_ORIGIN, ...cookieHeader(cookie) });
const createToken = (cookie: string) =>
  bff().handleApiProxy(
    new Request(`${ORIGIN}/bff/api/tokens`, { method: "POST", headers: withCookie(cookie), body: JSON.stringify({ name: "ci", scopes: ["notes:read"], expiresInDays: 7 }) }),
  );
const reauth = (cookie: string, password: string, headers: Record<string, string> = {}) =>
  bff().handleReauth(new Request(`${ORIGIN}/bff/reauth`, { method: "POST", headers: { ...withCookie(cookie), ...headers }, body: JSON.stringify({ password }) }));

let user: TestUser;
beforeAll(async () => {
  user = await registerUser({ name: "Sudo Mode" });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("POST /bff/reauth", () => {
  it("a stale session is asked for the password, proves it, and may then create a token", async () => {
    let cookie = await signIn(user);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + AFTER_WINDOW_MS });
    const refused = await createToken(cookie);
    expect(refused.status).toBe(403);
    const problem = await refused.json();
    expect(problem.code).toBe("reauthentication_required");
    expect(problem.type).toMatch(/reauthentication-required$/);
    cookie = cookieFrom(refused) ?? cookie; // the refresh that ran before the refusal

    const proven = await reauth(cookie, user.password);
    expect(proven.status).toBe(200);
    const text = await proven.text();
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    cookie = cookieFrom(proven)!;
    expect(cookie).toBeTruthy();
    expect((await createToken(cookie)).status).toBe(201);
  });

  it("a wrong password is a 400 on the password field, not a sign-out, and keeps the refreshed cookie", async () => {
    const cookie = await signIn(user);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + AFTER_WINDOW_MS });
    const wrong = await reauth(cookie, "certainly-not-the-password");
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).errors[0].path).toBe("password");
    const renewed = cookieFrom(wrong);
    expect(renewed).not.toBeNull(); // the access token was due, so it was refreshed first
    startNewInstance();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    expect((await bff().handleApiProxy(new Request(`${ORIGIN}/bff/api/me`, { headers: withCookie(renewed!) }))).status).toBe(200);
  });

  it.each([
    ["no X-CSRF header", { "x-csrf": "" }],
    ["a cross-site Origin", { origin: "https://evil.example" }],
  ])("refuses %s", async (_label, headers) => {
    const cookie = await signIn(user);
    const response = await reauth(cookie, user.password, headers);
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe("csrf_rejected");
  });

  it("needs a session", async () => {
    const response = await bff().handleReauth(new Request(`${ORIGIN}/bff/reauth`, { method: "POST", headers: SAME_ORIGIN, body: JSON.stringify({ password: "x" }) }));
    expect(response.status).toBe(401);
  });
});
