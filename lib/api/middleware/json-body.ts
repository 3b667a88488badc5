/** JSON-only request bodies with a size cap: 415 for other types, 413 past the cap. */
import "server-only";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../shared/errors";
import { mediaType } from "../../shared/http";
import { problemResponse } from "../problems";

export const JSON_BODY_MAX_BYTES = 64 * 1024;

const limit = bodyLimit({ maxSize: JSON_BODY_MAX_BYTES, onError: () => problemResponse(new AppError("payload_too_large")) });

export const jsonBody: MiddlewareHandler = async (c, next) => {
  if (!["POST", "PUT", "PATCH"].includes(c.req.method)) return next();
  if (mediaType(c.req.header("content-type")) !== "application/json") return problemResponse(new AppError("unsupported_media_type"));
  return limit(c, next);
};
