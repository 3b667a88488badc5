import { describe, expect, test } from "vitest";
import { AppError, appErrorFromProblem, ERROR_STATUS, isProblem, problemResponse, PROBLEM_CONTENT_TYPE, type ErrorCode } from "./errors";
import { text } from "./schemas";

describe("AppError", () => {
  test("every code has its HTTP status", () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      const error = new AppError(code);
      expect(error.status).toBe(ERROR_STATUS[code]);
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  test("the problem body never carries the cause or a stack", async () => {
    const cause = new Error("SQLITE_CONSTRAINT: secret table detail");
    const error = new AppError("internal", { cause });
    const problem = error.toProblem();
    expect(problem).toEqual({ type: "urn:keyhole:problem:internal", title: error.message, status: 500, code: "internal" });
    const response = problemResponse(error);
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.text();
    expect(body).not.toContain("SQLITE_CONSTRAINT");
    expect(body).not.toMatch(/"stack"|\bat .*:\d+:\d+/);
  });

  test("field errors and detail survive a round trip through problem+json", async () => {
    const error = new AppError("weak_password", { detail: "d", errors: [{ path: "password", message: "too short" }] });
    const parsed: unknown = JSON.parse(await problemResponse(error, { "X-Extra": "1" }).text());
    expect(isProblem(parsed)).toBe(true);
    const rebuilt = appErrorFromProblem(parsed as Parameters<typeof appErrorFromProblem>[0]);
    expect(rebuilt).toBeInstanceOf(AppError);
    expect(rebuilt.code).toBe("weak_password");
    expect(rebuilt.status).toBe(400);
    expect(rebuilt.detail).toBe("d");
    expect(rebuilt.fieldErrors).toEqual([{ path: "password", message: "too short" }]);
  });

  test("bodies that are not problems are recognised as such", () => {
    for (const value of [null, "x", 1, {}, { code: "made_up", status: 400 }, { code: "not_found" }, { code: "toString", status: 500 }]) {
      expect(isProblem(value), JSON.stringify(value)).toBe(false);
    }
  });
});

describe("text fields", () => {
  const field = text({ min: 1, max: 5 });
  test("refuse NUL characters and lone surrogates, accept other Unicode", () => {
    expect(field.safeParse("héllo").success).toBe(true);
    expect(field.safeParse("🔑").success).toBe(true);
    expect(field.safeParse("a\u0000b").success).toBe(false);
    expect(field.safeParse("a\ud800").success).toBe(false);
    expect(field.safeParse("\udc00a").success).toBe(false);
    expect(field.safeParse("").success).toBe(false);
    expect(field.safeParse("toolong").success).toBe(false);
  });
});

describe("AppError across bundles", () => {
  test("is recognised by instanceof even when thrown by another copy of this module", async () => {
    // Next.js may bundle lib/shared/errors.ts once per route, so an error thrown by the BFF (created
    // by one route's bundle) reaches a server action holding another copy of the class.
    const url = new URL("./errors.ts", import.meta.url);
    url.searchParams.set("copy", "2");
    const { AppError: OtherAppError } = (await import(/* @vite-ignore */ url.href)) as typeof import("./errors");
    expect(OtherAppError).not.toBe(AppError);
    const foreign = new OtherAppError("invalid_credentials");
    expect(foreign instanceof AppError).toBe(true);
    expect(new Error("plain") instanceof AppError).toBe(false);
    expect({ code: "invalid_credentials" } instanceof AppError).toBe(false);
  });
});
