import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // A short access-token lifetime: the old in-memory revocation list forgot a session after it.
  process.env.ACCESS_TOKEN_TTL = "2";
});

import { registerUser, type TestUser } from "../../test/api";
import { ORIGIN, SAME_ORIGIN, signInThroughBff as signIn, withSessionCookie as withCookie, bff, startNewInstance } from "../../test/bff";
import { disableUser, revokeOtherSessions } from "../auth";
/** Longer than the access-token lifetime plus every grace the old code allowed (TTL + 30 s). */
const LATER_MS = 5 * 60_000;

const sessionStatus = async (cookie: string) =>
  (await bff().handleSession(new Request(`${ORIGIN}/bff/session?extend=false`, { headers: withCookie(cookie) }))).status;
const notesStatus = async (cookie: string) => (await bff().handleApiProxy(new Request(`${ORIGIN}/bff/api/notes`, { headers: withCookie(cookie) }))).status;

const restartInstance = startNewInstance;

let user: TestUser;
beforeAll(async () => {
  user = await registerUser({ name: "Revocation Tester" });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a revoked session stays revoked", () => {
  it("a signed-out cookie is still refused long after the access token's lifetime", async () => {
    const cookie = await signIn(user);
    expect(await sessionStatus(cookie)).toBe(200);
    const logout = await bff().handleLogout(new Request(`${ORIGIN}/bff/logout`, { method: "POST", headers: { ...SAME_ORIGIN, ...withCookie(cookie) } }));
    expect(logout.status).toBe(204);
    expect(await sessionStatus(cookie)).toBe(401);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + LATER_MS });
    expect(await sessionStatus(cookie)).toBe(401);
    expect(await notesStatus(cookie)).toBe(401);
  });

  it("an instance started after the revocation refuses the cookie", async () => {
    const cookie = await signIn(user);
    expect(await sessionStatus(cookie)).toBe(200);
    await bff().handleLogout(new Request(`${ORIGIN}/bff/logout`, { method: "POST", headers: { ...SAME_ORIGIN, ...withCookie(cookie) } }));

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + LATER_MS });
    restartInstance();
    expect(await sessionStatus(cookie)).toBe(401);
    expect(await notesStatus(cookie)).toBe(401);
  });

  it("a session signed out from another device stays refused after a restart", async () => {
    const other = await registerUser({ name: "Other Devices" });
    const cookie = await signIn(other);
    expect(await sessionStatus(cookie)).toBe(200);
    await revokeOtherSessions(other.id, null, "revoked_by_user", { ip: null, userAgent: null });

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + LATER_MS });
    expect(await sessionStatus(cookie)).toBe(401);
    restartInstance();
    expect(await sessionStatus(cookie)).toBe(401);
  });

  it("a disabled account's cookie stays refused", async () => {
    const disabled = await registerUser({ name: "Soon Disabled" });
    const cookie = await signIn(disabled);
    expect(await disableUser(disabled.email, { ip: null, userAgent: null })).toBe(true);
    expect(await sessionStatus(cookie)).toBe(401);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + LATER_MS });
    restartInstance();
    expect(await sessionStatus(cookie)).toBe(401);
  });
});
