/**
 * Security headers on every kind of response of the production build: pages get a
 * Content-Security-Policy with a fresh nonce and 'strict-dynamic' (and every script carries that
 * nonce), API and BFF responses a policy that allows nothing; everything gets nosniff, a strict
 * Referrer-Policy, HSTS, no X-Powered-By and no framing. The browser test shows the policy is
 * enforced: the app's own scripts run, an injected one does not.
 */
import type { APIResponse } from "@playwright/test";
import { bearer } from "../fixtures";
import { cleanContext, cookieHeader, sameOrigin, signInBff } from "./support/attacker";
import { expect, test } from "./support/fixtures";
import { cspDirectives } from "../support/csp";

const STRICT_REFERRER_POLICIES = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
const ONE_YEAR_SECONDS = 31_536_000;

function expectStaticHeaders(response: APIResponse, label: string): void {
  const headers = response.headers();
  expect(headers["x-content-type-options"], label).toBe("nosniff");
  expect(STRICT_REFERRER_POLICIES, `${label} Referrer-Policy ${headers["referrer-policy"]}`).toContain(headers["referrer-policy"]);
  const hsts = /max-age=(\d+)/.exec(headers["strict-transport-security"] ?? "");
  expect(hsts, `${label} Strict-Transport-Security`).not.toBeNull();
  expect(Number(hsts![1]), `${label} HSTS max-age`).toBeGreaterThanOrEqual(ONE_YEAR_SECONDS);
  expect(headers["x-powered-by"], label).toBeUndefined();
  expect(headers.server ?? "", label).not.toMatch(/next|node|express/i);
}

/** The page policy: nonce + 'strict-dynamic', no plugins, no <base>, no framing. Returns the nonce. */
function expectPagePolicy(response: APIResponse, label: string): string {
  const policy = response.headers()["content-security-policy"];
  expect(policy, `${label} has a Content-Security-Policy`).toBeTruthy();
  const csp = cspDirectives(policy!);
  const scriptSrc = csp.get("script-src") ?? csp.get("default-src") ?? [];
  const nonce = scriptSrc.map((value) => /^'nonce-([A-Za-z0-9+/=_-]{16,})'$/.exec(value)?.[1]).find(Boolean);
  expect(nonce, `${label} script-src has a nonce: ${scriptSrc.join(" ")}`).toBeTruthy();
  expect(scriptSrc, label).toContain("'strict-dynamic'");
  expect(scriptSrc, label).not.toContain("'unsafe-inline'");
  expect(scriptSrc, label).not.toContain("'unsafe-eval'");
  expect(scriptSrc.some((value) => value === "*" || /^(https?:|data:|blob:)$/.test(value)), `${label} script-src allows a whole scheme`).toBe(false);
  expect(csp.get("object-src"), label).toEqual(["'none'"]);
  expect(csp.get("base-uri"), label).toEqual(["'none'"]);
  expect(csp.get("frame-ancestors"), label).toEqual(["'none'"]);
  return nonce!;
}

test("every page has a nonce-based CSP with 'strict-dynamic', and every script carries the nonce", async ({ baseURL, alice }) => {
  const origin = baseURL!;
  const cookie = await signInBff(origin, alice);
  const client = await cleanContext(origin);
  const pages: [string, Promise<APIResponse>][] = [
    ["/ (the home page)", client.get("/")],
    ["/login", client.get("/login")],
    ["/register", client.get("/register")],
    ["/notes (signed in)", client.get("/notes", { headers: cookieHeader(cookie) })],
    ["a 404 page", client.get("/no-such-page")],
    ["/login?returnTo=%2Fnotes", client.get("/login?returnTo=%2Fnotes")],
  ];
  const nonces = new Set<string>();
  for (const [label, pending] of pages) {
    const response = await pending;
    expect(response.headers()["content-type"], label).toContain("text/html");
    expectStaticHeaders(response, label);
    const nonce = expectPagePolicy(response, label);
    nonces.add(nonce);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length, `${label} has scripts`).toBeGreaterThan(0);
    for (const attributes of scripts) {
      expect(attributes, `${label}: a <script> without the response's nonce`).toContain(`nonce="${nonce}"`);
    }
    expect(response.headers()["x-frame-options"], label).toBe("DENY");
  }
  expect(nonces.size, "a fresh nonce for every response").toBe(pages.length);

  // Redirects from pages carry the static headers and a policy too.
  for (const path of ["/notes", "/settings"]) {
    const redirect = await client.get(path, { maxRedirects: 0 });
    expect(redirect.status(), path).toBeGreaterThanOrEqual(300);
    expectStaticHeaders(redirect, `${path} redirect`);
    expect(redirect.headers()["content-security-policy"], `${path} redirect`).toBeTruthy();
  }
  await client.dispose();
});

test("API, BFF and well-known responses allow nothing (default-src 'none') and carry the static headers", async ({ baseURL, alice, aliceTokens }) => {
  const origin = baseURL!;
  const cookie = await signInBff(origin, alice);
  const client = await cleanContext(origin);
  const responses: [string, Promise<APIResponse>][] = [
    ["GET /api/v1/me", client.get("/api/v1/me", { headers: bearer(aliceTokens.access_token) })],
    ["GET /api/v1/me 401", client.get("/api/v1/me")],
    ["GET /api/v1/nope 404", client.get("/api/v1/nope")],
    ["GET /api/v1/openapi.json", client.get("/api/v1/openapi.json")],
    ["GET /bff/session", client.get("/bff/session", { headers: cookieHeader(cookie) })],
    ["GET /bff/api/notes", client.get("/bff/api/notes", { headers: cookieHeader(cookie) })],
    ["POST /bff/login 401", client.post("/bff/login", { headers: sameOrigin(origin), data: { email: "nobody@example.test", password: "x" } })],
    ["POST /bff/login 403", client.post("/bff/login", { data: {} })],
  ];
  for (const [label, pending] of responses) {
    const response = await pending;
    expectStaticHeaders(response, label);
    const csp = cspDirectives(response.headers()["content-security-policy"] ?? "");
    expect(csp.get("default-src"), `${label} CSP`).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors"), `${label} CSP`).toEqual(["'none'"]);
    expect(response.headers()["content-type"] ?? "", label).toMatch(/^application\/(problem\+)?json/);
  }
  for (const path of ["/.well-known/jwks.json", "/.well-known/oauth-authorization-server"]) {
    const response = await client.get(path);
    expectStaticHeaders(response, path);
    expect(response.headers()["content-type"], path).toContain("application/json");
  }
  await client.dispose();
});

test("in a browser, the app's scripts run under the policy and an injected inline script does not", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/login");
  // Hydrated: React attached its handlers, so the app's own (nonced) scripts ran.
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  await page.waitForLoadState("networkidle");
  expect(violations, "the app's own page violates its policy").toEqual([]);

  // What an HTML injection would do: markup with an inline event handler, a javascript: URL and a
  // srcdoc frame with an inline script, none of them carrying the nonce. (A script element created
  // by script is trusted under 'strict-dynamic' by design; an injection that can run script has won already.)
  await page.evaluate(() => {
    document.body.insertAdjacentHTML(
      "beforeend",
      [
        `<img src="data:,not-an-image" onerror="window.__handler = true">`,
        `<iframe srcdoc="<script>parent.__framed = true</script>"></iframe>`,
        `<a id="injected-link" href="javascript:window.__link = true">x</a>`,
      ].join(""),
    );
  });
  await page.locator("#injected-link").click();
  await page.waitForTimeout(300);
  const ran = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return { handler: w.__handler, framed: w.__framed, link: w.__link };
  });
  expect(ran, "injected markup ran script").toEqual({ handler: undefined, framed: undefined, link: undefined });
  expect(violations.length, "the browser reported the blocked injections").toBeGreaterThan(0);
  await context.close();
});
