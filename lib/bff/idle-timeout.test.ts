import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.SESSION_IDLE_TIMEOUT = "3s";
});

import { registerUser } from "../../test/api";
import { ORIGIN, SAME_ORIGIN, sessionCookieFrom as cookieFrom, withSessionCookie } from "../../test/bff";
import { bffDependencies } from "../wiring";
import { createBff } from "./create-bff";

/** A BFF whose clock the test moves: the idle deadline is the BFF's own, so nothing needs to sleep. */
function bffWithManualClock() {
  const clock = { currentMs: Date.now(), nowMs: () => clock.currentMs };
  const bff = createBff({ ...bffDependencies(), clock });
  return { bff, clock, advance: (ms: number) => (clock.currentMs += ms) };
}

async function signIn(bff: ReturnType<typeof createBff>): Promise<string> {
  const user = await registerUser();
  const response = await bff.handleLogin(
    new Request(`${ORIGIN}/bff/login`, { method: "POST", headers: SAME_ORIGIN, body: JSON.stringify({ email: user.email, password: user.password }) }),
  );
  return cookieFrom(response)!;
}

const get = (path: string, cookie: string) => new Request(`${ORIGIN}${path}`, { headers: withSessionCookie(cookie) });

describe("idle timeout", () => {
  it("reports both deadlines and, asked not to, does not extend them", async () => {
    const { bff, clock } = bffWithManualClock();
    const cookie = await signIn(bff);
    const response = await bff.handleSession(get("/bff/session?extend=false", cookie));
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(Date.parse(body.idleExpiresAt) - clock.currentMs).toBeLessThanOrEqual(3000);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.parse(body.idleExpiresAt));
    expect(cookieFrom(response)).toBeNull();
  });

  it("ends a session left idle past the timeout, even though its tokens are still valid", async () => {
    const { bff, advance } = bffWithManualClock();
    const cookie = await signIn(bff);
    advance(3100);
    expect((await bff.handleSession(get("/bff/session?extend=false", cookie))).status).toBe(401);
    expect((await bff.handleApiProxy(get("/bff/api/notes", cookie))).status).toBe(401);
  });

  it("keeps an active session alive past the timeout", async () => {
    const { bff, advance } = bffWithManualClock();
    let cookie = await signIn(bff);
    for (let step = 0; step < 4; step++) {
      advance(1200);
      const response = await bff.handleApiProxy(get("/bff/api/notes", cookie));
      expect(response.status).toBe(200);
      cookie = cookieFrom(response) ?? cookie;
    }
    // 4.8 s after sign-in, well past a 3 s idle timeout.
    expect((await bff.handleSession(get("/bff/session?extend=false", cookie))).status).toBe(200);
  });

  it("treats a plain GET /bff/session as activity (the 'Stay signed in' button)", async () => {
    const { bff, advance } = bffWithManualClock();
    const cookie = await signIn(bff);
    advance(1500);
    const response = await bff.handleSession(get("/bff/session", cookie));
    const renewed = cookieFrom(response);
    expect(renewed).not.toBeNull();
    advance(2000);
    expect((await bff.handleSession(get("/bff/session?extend=false", renewed!))).status).toBe(200);
    expect((await bff.handleSession(get("/bff/session?extend=false", cookie))).status).toBe(401);
  });
});
