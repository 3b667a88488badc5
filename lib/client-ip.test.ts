import { describe, expect, it } from "vitest";
import { resolveClientIp } from "./client-ip";

describe("resolveClientIp", () => {
  it("uses the socket address when no proxy is trusted, whatever the client claims", () => {
    expect(resolveClientIp(undefined, "203.0.113.9", 0)).toBe("203.0.113.9");
    expect(resolveClientIp("1.2.3.4", "203.0.113.9", 0)).toBe("203.0.113.9");
    expect(resolveClientIp("1.2.3.4, 5.6.7.8", "203.0.113.9", 0)).toBe("203.0.113.9");
  });

  it("takes the address the trusted proxy saw, not one the client prepended", () => {
    // client → proxy (10.0.0.2) → us: the proxy appended the client's real address.
    expect(resolveClientIp("6.6.6.6, 198.51.100.4", "10.0.0.2", 1)).toBe("198.51.100.4");
    expect(resolveClientIp("6.6.6.6, 198.51.100.4, 10.0.0.1", "10.0.0.2", 2)).toBe("198.51.100.4");
  });

  it("falls back to the furthest known address when there are fewer hops than trusted", () => {
    expect(resolveClientIp(undefined, "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(resolveClientIp(["198.51.100.4"], "10.0.0.2", 3)).toBe("198.51.100.4");
  });

  it("answers null with nothing to go on", () => {
    expect(resolveClientIp(undefined, undefined, 0)).toBeNull();
  });
});
