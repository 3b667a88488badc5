import { describe, expect, test, vi } from "vitest";
import { registerUser } from "../test/api";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, toDatabaseUnavailableError } from "./database-errors";
import { getDb } from "./db";
import { AppError } from "./shared/errors";

/** What a rejected promise rejected with. */
const rejectionOf = (promise: Promise<unknown>) => promise.then(() => expect.unreachable("it succeeded"), (error: unknown) => error);

describe("errors that are not an outage keep their meaning", () => {
  test("a unique violation, a missing record and an invalid query, as this database throws them", async () => {
    const user = await registerUser();
    const db = getDb();
    const duplicate = await rejectionOf(db.user.create({ data: { id: crypto.randomUUID(), email: user.email, name: "Again", passwordHash: "x" } }));
    expect(duplicate).toMatchObject({ code: "P2002" });
    const missing = await rejectionOf(db.note.update({ where: { id: "no-such-note" }, data: { title: "x" } }));
    expect(missing).toMatchObject({ code: "P2025" });
    const invalid = await rejectionOf(db.user.findMany({ where: { email: 42 as unknown as string } }));
    expect((invalid as Error).name).toBe("PrismaClientValidationError");

    for (const error of [duplicate, missing, invalid]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
      expect(toDatabaseUnavailableError(error)).toBeNull();
    }
  });

  test("AppErrors, plain errors and non-errors", () => {
    for (const error of [new AppError("unauthenticated", { cause: { code: "P1001" } }), new Error("boom"), new TypeError("x is undefined"), "P1001", null, undefined]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});

describe("an unreachable database in each shape it arrives in", () => {
  const adapterError = (cause: object) => ({ name: "DriverAdapterError", cause });
  test.each([
    ["Prisma: can't reach the server", { name: "PrismaClientKnownRequestError", code: "P1001" }],
    ["Prisma: the pool had no connection in time", { name: "PrismaClientKnownRequestError", code: "P2024" }],
    ["Prisma: failed to start", { name: "PrismaClientInitializationError", errorCode: "P1001" }],
    ["a raw query on an unreachable server (P2010 with the adapter's kind)", { code: "P2010", meta: { driverAdapterError: adapterError({ kind: "DatabaseNotReachable" }) } }],
    ["the adapter: too many connections", adapterError({ kind: "TooManyConnections", cause: "sorry, too many clients already" })],
    ["the adapter: the server is starting up (57P03)", adapterError({ kind: "postgres", code: "57P03", originalCode: "57P03" })],
    ["pg: the server shut down (57P01)", Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" })],
    ["Node: connection refused", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", syscall: "connect", errno: -111 })],
    ["pg: the connection dropped", new Error("Connection terminated unexpectedly")],
    ["pg-pool: no connection within connectionTimeoutMillis", new Error("timeout exceeded when trying to connect")],
    ["wrapped as a cause", new Error("outer", { cause: new Error("Connection terminated due to connection timeout") })],
  ])("%s", (_shape, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  test("becomes a 503 database_unavailable with Retry-After, keeping the original only as its cause", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const original = new Error("Connection terminated unexpectedly");
    const error = toDatabaseUnavailableError(original)!;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "database_unavailable", status: 503, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS, cause: original });
    expect(JSON.stringify(error.toProblem())).not.toContain("Connection terminated");
  });
});
