import { describe, expect, it } from "vitest";
import { formatDateTime, formatRelative } from "./format-date";

const NOW_MS = Date.parse("2026-06-15T12:00:00Z");

describe("formatRelative", () => {
  it("says just now under a minute", () => {
    expect(formatRelative("2026-06-15T11:59:30Z", NOW_MS)).toBe("just now");
  });

  it("counts whole units in the past and the future", () => {
    expect(formatRelative("2026-06-15T11:55:00Z", NOW_MS)).toMatch(/5 minutes ago/);
    expect(formatRelative("2026-06-18T12:00:00Z", NOW_MS)).toMatch(/in 3 days/);
  });
});

describe("formatDateTime", () => {
  it("leaves the year out for dates in the current year and keeps it otherwise", () => {
    expect(formatDateTime("2026-03-02T12:00:00Z", NOW_MS)).not.toMatch(/2026/);
    expect(formatDateTime("2024-03-02T12:00:00Z", NOW_MS)).toMatch(/2024/);
  });
});
