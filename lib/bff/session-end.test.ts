import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.SESSION_IDLE_TIMEOUT = "60s";
});

import { registerUser } from "../../test/api";
import { ORIGIN, sessionCookieFrom, SAME_ORIGIN, withSessionCookie } from "../../test/bff";
import { disableUser, revokeSession } from "../auth";
import { bffDependencies } from "../wiring";
import { createBff } from "./create-bff";
import { SESSION_COOKIE_NAME } from "./cookie-name";

/** A BFF whose clock the test moves, wired as in production. */
function bffWithManualClock() {
  const clock = { currentMs: Date.now(), nowMs: () => clock.currentMs };
  return { bff: createBff({ ...bffDependencies(), clock }), clock };
}

type TestBff = ReturnType<typeof createBff>;

async function signIn(bff: TestBff) {
  const user = await registerUser();
  const response = await bff.handleLogin(
    new Request(`${ORIGIN}/bff/login`, { method: "POST", headers: SAME_ORIGIN, body: JSON.stringify({ email: user.email, password: user.password }) }),
  );
  const body = await response.json();
  const cookie = sessionCookieFrom(response)!;
  const sessionId = (await bff.getSessionOf(new Request(ORIGIN, { headers: withSessionCookie(cookie) })))!.sessionId;
  return { user: { ...user, id: body.user.id as string }, cookie, sessionId };
}

const get = (path: string, cookie?: string) => new Request(`${ORIGIN}${path}`, { headers: cookie ? withSessionCookie(cookie) : {} });

async function reasonOf(response: Response): Promise<string | undefined> {
  expect(response.status).toBe(401);
  return (await response.json()).reason;
}

describe("a 401 from the BFF says why the session ended", () => {
  it.each([
    ["revoked_by_user", "signed-out-elsewhere"],
    ["password_changed", "password-changed"],
    ["refresh_reuse", "security"],
    ["sign_out", "signed-out"],
  ] as const)("a session revoked for %s answers reason %s, on /bff/session and /bff/api alike", async (revocation, reason) => {
    const { bff } = bffWithManualClock();
    const { cookie, sessionId } = await signIn(bff);
    await revokeSession(sessionId, revocation);
    expect(await reasonOf(await bff.handleSession(get("/bff/session", cookie)))).toBe(reason);
    expect(await reasonOf(await bff.handleApiProxy(get("/bff/api/notes", cookie)))).toBe(reason);
  });

  it("a disabled account answers account-disabled", async () => {
    const { bff } = bffWithManualClock();
    const { user, cookie } = await signIn(bff);
    await disableUser(user.email, { ip: null, userAgent: null });
    expect(await reasonOf(await bff.handleSession(get("/bff/session?extend=false", cookie)))).toBe("account-disabled");
  });

  it("a session past its idle deadline answers idle", async () => {
    const { bff, clock } = bffWithManualClock();
    const { cookie } = await signIn(bff);
    clock.currentMs += 61_000;
    expect(await reasonOf(await bff.handleSession(get("/bff/session?extend=false", cookie)))).toBe("idle");
  });

  it("no cookie, or one we did not seal, answers without a reason", async () => {
    const { bff } = bffWithManualClock();
    expect(await reasonOf(await bff.handleSession(get("/bff/session")))).toBeUndefined();
    expect(await reasonOf(await bff.handleSession(get("/bff/session", "Fe26.2**forged")))).toBeUndefined();
  });

  it("the reason reaches a page through inspectSessionOf (proxy.ts and requireSession)", async () => {
    const { bff } = bffWithManualClock();
    const { cookie, sessionId } = await signIn(bff);
    expect((await bff.inspectSessionOf(get("/notes", cookie))).session?.sessionId).toBe(sessionId);
    await revokeSession(sessionId, "password_changed");
    expect(await bff.inspectSessionOf(get("/notes", cookie))).toEqual({ session: null, ended: "password-changed" });
    expect(await bff.inspectSessionOf(get("/notes"))).toEqual({ session: null, ended: null });
  });
});

describe("GET /bff/session?optional=true (the sign-in page's check)", () => {
  it("answers 204, not 401, without a session, and 200 with one", async () => {
    const { bff } = bffWithManualClock();
    const none = await bff.handleSession(get("/bff/session?optional=true"));
    expect(none.status).toBe(204);
    expect(none.headers.getSetCookie()).toEqual([]);
    const { cookie } = await signIn(bff);
    const some = await bff.handleSession(get("/bff/session?optional=true", cookie));
    expect(some.status).toBe(200);
    expect(sessionCookieFrom(some)).toBeNull();
  });

  it("clears the cookie of a session that ended", async () => {
    const { bff } = bffWithManualClock();
    const { cookie, sessionId } = await signIn(bff);
    await revokeSession(sessionId, "revoked_by_user");
    const response = await bff.handleSession(get("/bff/session?optional=true", cookie));
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie().find((header) => header.startsWith(`${SESSION_COOKIE_NAME}=;`))).toMatch(/Max-Age=0/i);
  });
});
