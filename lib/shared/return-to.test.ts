import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_TO, safeReturnTo } from "./return-to";

describe("safeReturnTo", () => {
  it.each(["/notes", "/notes?x=1#top", "/settings/tokens"])("keeps the same-origin path %s", (path) => {
    expect(safeReturnTo(path)).toBe(path);
  });

  it.each([
    "https://evil.example/",
    "//evil.example/phish",
    "/\\evil.example",
    "/.//evil.example/phish",
    "/x/..//evil.example/phish",
    "javascript:alert(1)",
    "notes",
    "/bff/logout",
    "/api/v1/me",
    "/notes\u0000",
    "/no\ttab",
    undefined,
    ["/notes"],
  ])("refuses %j and falls back to the notes page", (value) => {
    expect(safeReturnTo(value)).toBe(DEFAULT_RETURN_TO);
  });
});
