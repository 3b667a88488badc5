import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { api, bearer, passwordGrant, readBody, registerUser } from "../../../test/api";
import { revokeSession } from "../../auth";

const notices = async (accessToken: string) => readBody(await api("/api/v1/me/security-notices", { headers: bearer(accessToken) }));

describe("GET /me/security-notices", () => {
  it("tells the sign-in after a session was ended for refresh-token reuse, and only that one", async () => {
    const user = await registerUser();
    const stolen = await passwordGrant(user.email, user.password);
    expect((await notices(stolen.access_token)).json).toEqual({ refreshReuseDetectedAt: null });
    const endedAtMs = Date.now();
    await revokeSession(decodeJwt(stolen.access_token).sid as string, "refresh_reuse", { nowMs: endedAtMs });

    const next = await passwordGrant(user.email, user.password);
    const told = await notices(next.access_token);
    expect(told.status).toBe(200);
    expect(Date.parse(told.json.refreshReuseDetectedAt)).toBe(endedAtMs);

    const after = await passwordGrant(user.email, user.password);
    expect((await notices(after.access_token)).json).toEqual({ refreshReuseDetectedAt: null });
  });

  it("says nothing for sessions ended for any other reason", async () => {
    const user = await registerUser();
    const first = await passwordGrant(user.email, user.password);
    await revokeSession(decodeJwt(first.access_token).sid as string, "revoked_by_user");
    const next = await passwordGrant(user.email, user.password);
    expect((await notices(next.access_token)).json).toEqual({ refreshReuseDetectedAt: null });
  });

  it("needs a session token: no token is a 401", async () => {
    const response = await readBody(await api("/api/v1/me/security-notices"));
    expect(response.status).toBe(401);
  });
});
