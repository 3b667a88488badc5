import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Access tokens that are due for refresh a second after sign-in.
  process.env.ACCESS_TOKEN_TTL = "2";
  process.env.REFRESH_GRACE_PERIOD = "30s";
});

import { registerUser, type TestUser } from "../../test/api";
import { ORIGIN, SAME_ORIGIN, sessionCookieFrom as cookieFrom, signInThroughBff as signIn, withSessionCookie, bff, startNewInstance } from "../../test/bff";
import { BFF_BODY_MAX_BYTES } from "./body";
import { SESSION_COOKIE_NAME } from "./cookie-name";
/** Past the refresh token's grace window: presenting a rotated token now revokes the session. */
const AFTER_GRACE_MS = 31_000;

const call = (path: string, cookie: string, init: { method?: string; body?: string } = {}) =>
  bff().handleApiProxy(new Request(`${ORIGIN}${path}`, { method: init.method ?? "GET", headers: { ...SAME_ORIGIN, ...withSessionCookie(cookie) }, body: init.body }));

/**
 * Moves the clock (Date only) forward; every later request sees the new time. The BFF's memo of
 * recent refreshes is dropped too: it lives for the grace window in real time, which a faked
 * Date does not advance (and a server started now would not have it).
 */
function advance(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ms });
  startNewInstance();
}

let user: TestUser;
beforeAll(async () => {
  user = await registerUser({ name: "Proxy Refresh" });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the BFF proxy and a due refresh", () => {
  it.each([
    ["an unknown route (404)", "/bff/api/no-such-route", {}, 404],
    ["a wrong method (405)", "/bff/api/activity", { method: "DELETE" }, 405],
    ["a body over the cap (413)", "/bff/api/notes", { method: "POST", body: JSON.stringify({ title: "x", body: "y".repeat(BFF_BODY_MAX_BYTES) }) }, 413],
  ])("refuses %s before refreshing, so the browser's cookie stays the current one", async (_label, path, init, status) => {
    const cookie = await signIn(user);
    advance(3000); // the access token is due for refresh
    const refused = await call(path, cookie, init);
    expect(refused.status).toBe(status);
    // Either nothing was rotated, or the answer carries the rotated cookie: the browser keeps a working session.
    const current = cookieFrom(refused) ?? cookie;
    advance(AFTER_GRACE_MS);
    const later = await call("/bff/api/notes", current);
    expect(later.status).toBe(200);
  });

  it("an upstream error after a refresh carries the new cookie", async () => {
    const cookie = await signIn(user);
    advance(3000);
    const invalid = await call("/bff/api/notes", cookie, { method: "POST", body: JSON.stringify({ title: "" }) });
    expect(invalid.status).toBe(400);
    const renewed = cookieFrom(invalid);
    expect(renewed).not.toBeNull();
    advance(AFTER_GRACE_MS);
    expect((await call("/bff/api/notes", renewed!)).status).toBe(200);
  });

  it("a successful answer after a refresh carries the new cookie once", async () => {
    const cookie = await signIn(user);
    advance(3000);
    const response = await call("/bff/api/notes", cookie);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().filter((header) => header.startsWith(`${SESSION_COOKIE_NAME}=`))).toHaveLength(1);
  });
});

describe("ambiguous credentials", () => {
  it("refuses two session cookies in one Cookie header instead of picking one", async () => {
    const mine = await signIn(user);
    const other = await registerUser({ name: "Other" });
    const theirs = await signIn(other);
    for (const pair of [`${mine}; ${SESSION_COOKIE_NAME}=${theirs}`, `${theirs}; ${SESSION_COOKIE_NAME}=${mine}`]) {
      const response = await call("/bff/api/me", pair);
      expect(response.status).toBe(401);
    }
  });
});
