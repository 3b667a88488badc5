/** On SQLite revocations made elsewhere are polled: once per interval at most, never per request. */
import { decodeJwt } from "jose";
import { describe, expect, test } from "vitest";
import { isSessionRevoked, REVOCATION_POLL_INTERVAL_MS } from "./revocations";
import { signIn } from "../../test/api";
import { revokeElsewhere } from "../../test/revocations";

const sessionOf = (accessToken: string) => decodeJwt(accessToken).sid as string;


describe("revocation polling", () => {
  test("the revocation set is read at most once per interval, not once per request", async () => {
    const { tokens } = await signIn();
    const sessionId = sessionOf(tokens.access_token);
    const start = Date.now() + 10_000;
    expect(await isSessionRevoked(sessionId, start)).toBe(false);
    await revokeElsewhere(sessionId, start);
    // Inside the interval the answer comes from memory (no query): still the old answer.
    expect(await isSessionRevoked(sessionId, start + REVOCATION_POLL_INTERVAL_MS - 1)).toBe(false);
    expect(await isSessionRevoked(sessionId, start + REVOCATION_POLL_INTERVAL_MS)).toBe(true);
  });

});
