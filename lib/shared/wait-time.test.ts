import { describe, expect, it } from "vitest";
import { formatWait } from "./wait-time";

describe("formatWait", () => {
  it.each([
    [0, "1 second"],
    [1, "1 second"],
    [0.2, "1 second"],
    [45, "45 seconds"],
    [59, "59 seconds"],
    [60, "1 minute"],
    [61, "2 minutes"],
    [840, "14 minutes"],
    [899, "15 minutes"],
  ])("a wait of %s s reads %s", (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});
