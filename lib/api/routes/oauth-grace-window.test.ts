import { decodeJwt } from "jose";
import { describe, expect, test, vi } from "vitest";

// A one-second grace window so the real clock can run past it over HTTP.
vi.hoisted(() => {
  process.env.REFRESH_GRACE_PERIOD = "1s";
});

import { getConfig } from "../../config";
import { getDb } from "../../db";
import { getMe, passwordGrant, refreshGrant, signIn, sleep, unauthenticatedChallenge } from "../../../test/api";

describe("refresh token replay over HTTP with a one-second grace window", () => {
  test("refresh token replayed after the grace window revokes the session", async () => {
    expect(getConfig().refreshGracePeriodSeconds).toBe(1);
    const { user, tokens } = await signIn();
    const untouched = await passwordGrant(user.email, user.password);

    const rotated = await refreshGrant(tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const replayInWindow = await refreshGrant(tokens.refresh_token);
    expect(replayInWindow.status).toBe(200);
    expect(replayInWindow.json.refresh_token).toBe(rotated.json.refresh_token);

    await sleep(1_300);
    const replay = await refreshGrant(tokens.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe("invalid_grant");

    // The successor stops working and every access token of the session is refused.
    const successor = await refreshGrant(rotated.json.refresh_token);
    expect(successor.status).toBe(400);
    expect(successor.json.error).toBe("invalid_grant");
    for (const accessToken of [tokens.access_token, rotated.json.access_token, replayInWindow.json.access_token]) {
      const me = await getMe(accessToken);
      expect(me.status).toBe(401);
      expect(me.headers.get("www-authenticate")).toBe(unauthenticatedChallenge("invalid_token"));
    }
    const session = await getDb().session.findUniqueOrThrow({ where: { id: decodeJwt(tokens.access_token).sid as string } });
    expect(session.revokedReason).toBe("refresh_reuse");

    // The user's other session is not affected.
    expect((await getMe(untouched.access_token)).status).toBe(200);
    expect((await refreshGrant(untouched.refresh_token)).status).toBe(200);
  });

  test("a stolen token replayed after the window ends the session even after its owner rotated on", async () => {
    const { tokens } = await signIn();
    const rotated = await refreshGrant(tokens.refresh_token);
    // The legitimate client keeps rotating...
    const next = await refreshGrant(rotated.json.refresh_token);
    expect(next.status).toBe(200);
    await sleep(1_300);
    // ...and a thief replays the first token later: the whole family dies.
    expect((await refreshGrant(tokens.refresh_token)).json.error).toBe("invalid_grant");
    expect((await refreshGrant(next.json.refresh_token)).json.error).toBe("invalid_grant");
    expect((await getMe(next.json.access_token)).status).toBe(401);
  });
});
