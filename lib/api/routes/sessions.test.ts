import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db";
import { api, bearer, passwordGrant, readBody, registerUser } from "../../../test/api";

const sessionIdOf = (accessToken: string) => decodeJwt(accessToken).sid as string;

async function userWithDevices(count: number) {
  const user = await registerUser();
  const devices = [];
  for (let index = 0; index < count; index++) devices.push(await passwordGrant(user.email, user.password));
  return { user, devices };
}

describe("signed-in devices: /api/v1/sessions", () => {
  it("lists the user's active sessions, marks the current one, and shows no token", async () => {
    const { devices } = await userWithDevices(2);
    const { status, json, text } = await readBody(await api("/api/v1/sessions", { headers: bearer(devices[0]!.access_token) }));
    expect(status).toBe(200);
    expect(json.items).toHaveLength(2);
    const current = json.items.filter((item: { current: boolean }) => item.current);
    expect(current.map((item: { id: string }) => item.id)).toEqual([sessionIdOf(devices[0]!.access_token)]);
    expect(text).not.toContain(devices[0]!.refresh_token);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it("signs out one device: its tokens stop, the others go on", async () => {
    const { devices } = await userWithDevices(2);
    const [laptop, phone] = devices as [(typeof devices)[0], (typeof devices)[0]];
    const signedOut = await api(`/api/v1/sessions/${sessionIdOf(phone.access_token)}`, { method: "DELETE", headers: bearer(laptop.access_token) });
    expect(signedOut.status).toBe(204);
    expect((await api("/api/v1/me", { headers: bearer(phone.access_token) })).status).toBe(401);
    expect((await api("/api/v1/me", { headers: bearer(laptop.access_token) })).status).toBe(200);
    const { json } = await readBody(await api("/api/v1/sessions", { headers: bearer(laptop.access_token) }));
    expect(json.items).toHaveLength(1);
  });

  it("signs out every other device and says how many", async () => {
    const { devices } = await userWithDevices(3);
    const response = await readBody(await api("/api/v1/sessions?others=true", { method: "DELETE", headers: bearer(devices[0]!.access_token) }));
    expect(response.status).toBe(200);
    expect(response.json.revoked).toBe(2);
    for (const device of devices.slice(1)) expect((await api("/api/v1/me", { headers: bearer(device.access_token) })).status).toBe(401);
    expect((await api("/api/v1/me", { headers: bearer(devices[0]!.access_token) })).status).toBe(200);
  });

  it("signing out every other device counts and logs only devices still signed in, not sessions that already expired", async () => {
    const { user, devices } = await userWithDevices(4);
    const [laptop, phone, idleTablet, oldDesktop] = devices.map((device) => sessionIdOf(device.access_token)) as [string, string, string, string];
    const longAgo = new Date(Date.now() - 60_000);
    await getDb().session.update({ where: { id: idleTablet }, data: { idleExpiresAt: longAgo } });
    await getDb().session.update({ where: { id: oldDesktop }, data: { absoluteExpiresAt: longAgo } });

    const listed = await readBody(await api("/api/v1/sessions", { headers: bearer(devices[0]!.access_token) }));
    expect(listed.json.items.map((item: { id: string }) => item.id).sort()).toEqual([laptop, phone].sort());
    const response = await readBody(await api("/api/v1/sessions?others=true", { method: "DELETE", headers: bearer(devices[0]!.access_token) }));
    expect(response.status).toBe(200);
    expect(response.json.revoked).toBe(1);
    const logged = await getDb().auditEvent.findMany({ where: { userId: user.id, type: "session_revoked" }, select: { sessionId: true } });
    expect(logged.map((event) => event.sessionId)).toEqual([phone]);
  });

  it("never shows or signs out another user's session (404, as if it did not exist)", async () => {
    const mine = await userWithDevices(1);
    const theirs = await userWithDevices(1);
    const theirSession = sessionIdOf(theirs.devices[0]!.access_token);
    const { json } = await readBody(await api("/api/v1/sessions", { headers: bearer(mine.devices[0]!.access_token) }));
    expect(json.items.map((item: { id: string }) => item.id)).not.toContain(theirSession);
    const attempt = await api(`/api/v1/sessions/${theirSession}`, { method: "DELETE", headers: bearer(mine.devices[0]!.access_token) });
    expect(attempt.status).toBe(404);
    expect((await api("/api/v1/me", { headers: bearer(theirs.devices[0]!.access_token) })).status).toBe(200);
  });

  it.each([
    ["without others=true", "/api/v1/sessions"],
    ["with others=false", "/api/v1/sessions?others=false"],
  ])("refuses DELETE /sessions %s (400), so nobody signs everyone out by accident", async (_label, path) => {
    const { devices } = await userWithDevices(2);
    const response = await readBody(await api(path, { method: "DELETE", headers: bearer(devices[0]!.access_token) }));
    expect(response.status).toBe(400);
    expect((await api("/api/v1/me", { headers: bearer(devices[1]!.access_token) })).status).toBe(200);
  });

  it("refuses an over-long or unknown session id with 404, not a 500", async () => {
    const { devices } = await userWithDevices(1);
    for (const id of ["x".repeat(64), "no-such-session"]) {
      const response = await readBody(await api(`/api/v1/sessions/${id}`, { method: "DELETE", headers: bearer(devices[0]!.access_token) }));
      expect(response.status).toBe(404);
    }
    expect((await readBody(await api(`/api/v1/sessions/${"x".repeat(65)}`, { method: "DELETE", headers: bearer(devices[0]!.access_token) }))).status).toBe(400);
  });
});
