import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.SESSION_IDLE_TIMEOUT = "3s";
});

import { registerUser, sleep } from "../../test/api";
import { ORIGIN, sessionCookieFrom as cookieFrom, signInThroughBff, withSessionCookie, bff } from "../../test/bff";

const signIn = async () => signInThroughBff(await registerUser());

const get = (path: string, cookie: string) => new Request(`${ORIGIN}${path}`, { headers: withSessionCookie(cookie) });

describe("idle timeout", () => {
  it("reports both deadlines and, asked not to, does not extend them", async () => {
    const cookie = await signIn();
    const response = await bff().handleSession(get("/bff/session?extend=false", cookie));
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(Date.parse(body.idleExpiresAt) - Date.now()).toBeLessThanOrEqual(3000);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.parse(body.idleExpiresAt));
    expect(cookieFrom(response)).toBeNull();
  });

  it("ends a session left idle past the timeout, even though its tokens are still valid", async () => {
    const cookie = await signIn();
    await sleep(3100);
    expect((await bff().handleSession(get("/bff/session?extend=false", cookie))).status).toBe(401);
    expect((await bff().handleApiProxy(get("/bff/api/notes", cookie))).status).toBe(401);
  });

  it("keeps an active session alive past the timeout", async () => {
    let cookie = await signIn();
    for (let step = 0; step < 4; step++) {
      await sleep(1200);
      const response = await bff().handleApiProxy(get("/bff/api/notes", cookie));
      expect(response.status).toBe(200);
      cookie = cookieFrom(response) ?? cookie;
    }
    // 4.8 s after sign-in, well past a 3 s idle timeout.
    expect((await bff().handleSession(get("/bff/session?extend=false", cookie))).status).toBe(200);
  });

  it("treats a plain GET /bff/session as activity (the 'Stay signed in' button)", async () => {
    const cookie = await signIn();
    await sleep(1500);
    const response = await bff().handleSession(get("/bff/session", cookie));
    const renewed = cookieFrom(response);
    expect(renewed).not.toBeNull();
    await sleep(2000);
    expect((await bff().handleSession(get("/bff/session?extend=false", renewed!))).status).toBe(200);
    expect((await bff().handleSession(get("/bff/session?extend=false", cookie))).status).toBe(401);
  });
});
