import { describe, expect, it } from "vitest";
import { api, bearer, jsonRequest, passwordGrant, refreshGrant, registerUser, tokenRequest } from "../../test/api";
import { disableUser } from "./users";

describe("disabling an account", () => {
  it("stops its sign-ins, its access and refresh tokens, and its personal access tokens", async () => {
    const user = await registerUser();
    const tokens = await passwordGrant(user.email, user.password);
    const created = await api("/api/v1/tokens", jsonRequest("POST", { name: "script", scopes: ["notes:read"], expiresInDays: 7 }, bearer(tokens.access_token)));
    expect(created.status).toBe(201);
    const { token: pat } = await created.json();
    expect((await api("/api/v1/notes", { headers: bearer(pat) })).status).toBe(200);

    expect(await disableUser(user.email, { ip: null, userAgent: null })).toBe(true);

    expect((await api("/api/v1/me", { headers: bearer(tokens.access_token) })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the PAT validation cache lives 1 s
    expect((await api("/api/v1/notes", { headers: bearer(pat) })).status).toBe(401);
    expect((await refreshGrant(tokens.refresh_token)).json.error).toBe("invalid_grant");
    const signIn = await tokenRequest({ grant_type: "password", username: user.email, password: user.password });
    expect(signIn.status).toBe(400);
    expect((await signIn.json()).error).toBe("invalid_grant");
  });
});
