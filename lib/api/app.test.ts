import { describe, expect, test } from "vitest";
import { getPublicJwks } from "../auth";
import { getConfig } from "../config";
import { API_BASE_PATH } from "./index";
import { api, BASE, bearer, jsonRequest, readBody, signIn } from "../../test/api";

describe("the OpenAPI document", () => {
  test("/api/v1/openapi.json is an OpenAPI 3.1 document of the API's routes", async () => {
    const response = await api(`${BASE}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const { json: doc } = await readBody(response);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/notes", "/api/v1/notes/{id}", "/api/v1/users", "/api/v1/me"]));
    expect(Object.keys(doc.paths.get ?? {})).toEqual([]);
    expect(Object.keys(doc.paths["/api/v1/notes"])).toEqual(expect.arrayContaining(["get", "post"]));
    expect(Object.keys(doc.paths["/api/v1/notes/{id}"])).toEqual(expect.arrayContaining(["get", "patch", "delete"]));
    expect(doc.paths["/api/v1/users"].post.requestBody.content["application/json"].schema).toBeTruthy();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/api/v1/me"].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas).toHaveProperty("Problem");
    expect(doc.components.schemas).toHaveProperty("Note");
    // Every operation documents at least one success response.
    for (const [path, operations] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(doc.paths)) {
      expect(path.startsWith(API_BASE_PATH), path).toBe(true);
      for (const [method, operation] of Object.entries(operations)) {
        expect(Object.keys(operation.responses).some((status) => status.startsWith("2")), `${method} ${path}`).toBe(true);
      }
    }
    // The document states the real limits of the schemas.
    const registration = JSON.stringify(doc.components.schemas.Registration ?? doc.paths["/api/v1/users"].post.requestBody);
    expect(registration).toContain("additionalProperties");
    expect(JSON.stringify(doc)).not.toMatch(/passwordHash|BFF_CLIENT_SECRET|REFRESH_TOKEN_SECRET/);
  });
});

describe("every API answer", () => {
  test("is never cached", async () => {
    for (const [path, init] of [
      [`${BASE}/openapi.json`, {}],
      [`${BASE}/me`, {}],
      [`${BASE}/nowhere`, {}],
      [`${BASE}/users`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "x" }],
    ] as const) {
      const response = await api(path, init as RequestInit);
      expect(response.headers.get("cache-control"), path).toBe("no-store");
    }
  });

  test("is never cached when it succeeds either (200, 201, 204)", async () => {
    const { tokens } = await signIn();
    const auth = bearer(tokens.access_token);
    const created = await api(`${BASE}/notes`, jsonRequest("POST", { title: "cache me not" }, auth));
    expect(created.status).toBe(201);
    const { note } = await created.json();
    for (const response of [
      created,
      await api(`${BASE}/me`, { headers: auth }),
      await api(`${BASE}/notes`, { headers: auth }),
      await api(`${BASE}/notes/${note.id}`, { method: "DELETE", headers: auth }),
    ]) {
      expect(response.status, response.url).toBeLessThan(300);
      expect(response.headers.get("cache-control"), `${response.status} ${response.url}`).toBe("no-store");
    }
  });

  test("routes outside the base path are not served", async () => {
    const response = await api("/users", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(response.status).toBe(404);
  });
});

describe("a wrong method on an existing path", () => {
  const allowOf = (response: Response) => (response.headers.get("allow") ?? "").split(/,\s*/).filter(Boolean).sort();

  test.each<[string, string, string[]]>([
    ["PUT", "/notes", ["GET", "HEAD", "POST"]],
    ["GET", "/auth/token", ["POST"]],
    ["PUT", "/me", ["DELETE", "GET", "HEAD", "PATCH"]],
    ["POST", "/notes/some-id", ["DELETE", "GET", "HEAD", "PATCH"]],
    ["PUT", "/tokens/some-id", ["DELETE"]],
    ["DELETE", "/openapi.json", ["GET", "HEAD"]],
  ])("%s %s answers 405 method_not_allowed with Allow", async (method, path, allow) => {
    const { tokens } = await signIn();
    const response = await api(`${BASE}${path}`, { method, headers: bearer(tokens.access_token) });
    expect(response.status).toBe(405);
    expect(allowOf(response)).toEqual(allow);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect((await readBody(response)).json.code).toBe("method_not_allowed");
  });

  test("405 wins over the body checks (415, 401): the method is judged first", async () => {
    for (const headers of [{ "Content-Type": "text/plain" }, { "Content-Type": "application/json" }, {}] as Record<string, string>[]) {
      const response = await api(`${BASE}/notes`, { method: "PUT", headers, body: "x" });
      expect(response.status, JSON.stringify(headers)).toBe(405);
      expect(allowOf(response)).toEqual(["GET", "HEAD", "POST"]);
    }
    const form = await api(`${BASE}/auth/token`, { method: "PUT", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=password" });
    expect(form.status).toBe(405);
    expect(allowOf(form)).toEqual(["POST"]);
  });

  test("an unknown path is still 404, and a served method is not affected", async () => {
    const { tokens } = await signIn();
    expect((await api(`${BASE}/nowhere`, { method: "PUT" })).status).toBe(404);
    expect((await api(`${BASE}/notes/x/y`, { method: "GET" })).status).toBe(404);
    expect((await api(`${BASE}/notes`, { headers: bearer(tokens.access_token) })).status).toBe(200);
    expect((await api(`${BASE}/notes`, { method: "HEAD", headers: bearer(tokens.access_token) })).status).toBe(200);
  });
});

describe("the JWKS", () => {
  test("publishes the configured signing key without its private member d", async () => {
    const [privateKey] = getConfig().jwtSigningKeys;
    expect(privateKey!.d).toEqual(expect.any(String));
    const jwks = await getPublicJwks();
    expect(jwks.keys).toHaveLength(getConfig().jwtSigningKeys.length);
    expect(jwks.keys[0]).toMatchObject({ kid: privateKey!.kid, kty: "EC", crv: "P-256", x: privateKey!.x, y: privateKey!.y, alg: "ES256" });
    for (const key of jwks.keys) expect(key).not.toHaveProperty("d");
    expect(JSON.stringify(jwks)).not.toContain(privateKey!.d);
  });
});
