/**
 * Judges the path and method before anything reads the body or the token: a path no route serves
 * is 404, a served path asked with another method is 405 with `Allow` (RFC 9110 §15.5.6), never
 * a 415 or 401 from a later check. The table is built from the app's own routes, so there is no
 * second list to keep in step.
 */
import "server-only";
import type { MiddlewareHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import { AppError } from "../../shared/errors";
import { problemResponse } from "../problems";

// Middleware (`use`) is registered for every method; only routes with a method serve a path.
const ANY_METHOD = "ALL";

function buildRouteTable(routes: RouterRoute[]): TrieRouter<string> {
  const table = new TrieRouter<string>();
  for (const { method, path } of routes) if (method !== ANY_METHOD) table.add(ANY_METHOD, path, method);
  return table;
}

function findAllowedMethods(table: TrieRouter<string>, path: string): string[] {
  const methods = new Set(table.match(ANY_METHOD, path)[0].map(([method]) => method));
  // Hono answers HEAD with the GET route.
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods];
}

/** `getRoutes` is read on the first request, when every route has been added. */
export function requireRouteMethod(getRoutes: () => RouterRoute[]): MiddlewareHandler {
  let table: TrieRouter<string> | undefined;
  return async (c, next) => {
    table ??= buildRouteTable(getRoutes());
    const allowed = findAllowedMethods(table, c.req.path);
    if (allowed.length === 0) return problemResponse(new AppError("not_found"));
    if (!allowed.includes(c.req.method)) return problemResponse(new AppError("method_not_allowed", { allow: allowed }));
    await next();
  };
}
