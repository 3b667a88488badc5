/** Every sub-app is made here, so all of them answer invalid input the same way. */
import "server-only";
import { OpenAPIHono } from "@hono/zod-openapi";
import { AppError, toFieldErrors } from "../shared/errors";
import type { ApiEnv } from "./env";
import { problemResponse } from "./problems";

export function createRouter() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) return problemResponse(new AppError("invalid_request", { errors: toFieldErrors(result.error.issues) }));
    },
  });
}

export const bearerSecurity = [{ bearerAuth: [] }];

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: "Problem (RFC 9457)", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
    ]),
  );
