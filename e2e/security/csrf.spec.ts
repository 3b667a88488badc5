/**
 * Cross-site request forgery against the BFF's state-changing endpoints: POST /bff/login (login
 * CSRF: signing the victim in as the attacker), POST /bff/logout and POST /bff/api/notes. Each
 * forged request must answer 403 and change nothing: no cookie is set, the victim's session
 * survives, no note is created. First over plain HTTP with the headers a browser would send for
 * each kind of cross-site request, then with a real browser and an attacker's page on another
 * origin that submits forms and fires fetches at the app.
 */
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { generatePassword } from "../fixtures";
import {
  bffHeaders,
  cleanContext,
  cookieHeader,
  EVIL_ORIGIN,
  sameOrigin,
  SESSION_COOKIE,
  setCookieLines,
  signInBff,
  startAttackerSite,
  type AttackerSite,
} from "./support/attacker";
import { createAccount, expect, test } from "./support/fixtures";

type Body = "json" | "text/plain" | "urlencoded" | "multipart";

interface Forgery {
  name: string;
  headers: (origin: string) => Record<string, string>;
  body: Body;
}

const FORGERIES: Forgery[] = [
  { name: "a cross-site Origin, even with X-CSRF", headers: () => ({ "X-CSRF": "1", Origin: EVIL_ORIGIN, "Sec-Fetch-Site": "cross-site" }), body: "json" },
  { name: "a cross-site Origin without Sec-Fetch-Site", headers: () => ({ "X-CSRF": "1", Origin: EVIL_ORIGIN }), body: "json" },
  { name: "Origin: null (sandboxed frame, data: URL)", headers: () => ({ "X-CSRF": "1", Origin: "null" }), body: "json" },
  { name: "another port of the same host (same site, other origin)", headers: () => ({ "X-CSRF": "1", Origin: "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site" }), body: "json" },
  { name: "a look-alike Origin (suffix)", headers: (origin) => ({ "X-CSRF": "1", Origin: `${origin}.evil.example` }), body: "json" },
  { name: "a look-alike Origin (other host, same port)", headers: (origin) => ({ "X-CSRF": "1", Origin: origin.replace("127.0.0.1", "localhost") }), body: "json" },
  { name: "no X-CSRF header from our own origin", headers: (origin) => ({ Origin: origin, "Sec-Fetch-Site": "same-origin" }), body: "json" },
  { name: "X-CSRF: 0", headers: (origin) => ({ "X-CSRF": "0", Origin: origin, "Sec-Fetch-Site": "same-origin" }), body: "json" },
  { name: "X-CSRF: true", headers: (origin) => ({ "X-CSRF": "true", Origin: origin, "Sec-Fetch-Site": "same-origin" }), body: "json" },
  { name: "an empty X-CSRF", headers: (origin) => ({ "X-CSRF": "", Origin: origin, "Sec-Fetch-Site": "same-origin" }), body: "json" },
  { name: "a text/plain body, as a cross-site form or no-cors fetch sends it", headers: () => ({ Origin: EVIL_ORIGIN, "Sec-Fetch-Site": "cross-site" }), body: "text/plain" },
  { name: "a form-encoded body, as a cross-site form sends it", headers: () => ({ Origin: EVIL_ORIGIN, "Sec-Fetch-Site": "cross-site" }), body: "urlencoded" },
  { name: "a multipart body, as a cross-site form sends it", headers: () => ({ Origin: EVIL_ORIGIN, "Sec-Fetch-Site": "cross-site" }), body: "multipart" },
  { name: "a text/plain body with no Origin and no Sec-Fetch-* at all (old browser)", headers: () => ({}), body: "text/plain" },
  { name: "a form-encoded body with no Origin and no Sec-Fetch-* at all (old browser)", headers: () => ({}), body: "urlencoded" },
  { name: "Sec-Fetch-Site: cross-site with our own Origin and X-CSRF", headers: (origin) => ({ "X-CSRF": "1", Origin: origin, "Sec-Fetch-Site": "cross-site" }), body: "json" },
  { name: "Sec-Fetch-Site: same-site (a sibling subdomain)", headers: (origin) => ({ "X-CSRF": "1", Origin: origin, "Sec-Fetch-Site": "same-site" }), body: "json" },
  { name: "Sec-Fetch-Site: none without Origin", headers: () => ({ "X-CSRF": "1", "Sec-Fetch-Site": "none" }), body: "json" },
  { name: "X-CSRF with neither Origin nor Sec-Fetch-Site", headers: () => ({ "X-CSRF": "1" }), body: "json" },
];

/** Playwright request options carrying `fields` in the given encoding. */
function encode(body: Body, fields: Record<string, string>) {
  switch (body) {
    case "json":
      return { data: fields, contentType: "application/json" };
    case "text/plain":
      return { data: JSON.stringify(fields), contentType: "text/plain" };
    case "urlencoded":
      return { data: new URLSearchParams(fields).toString(), contentType: "application/x-www-form-urlencoded" };
    case "multipart":
      return { multipart: fields };
  }
}

async function forge(
  context: Awaited<ReturnType<typeof cleanContext>>,
  path: string,
  forgery: Forgery,
  origin: string,
  fields: Record<string, string>,
  cookie?: string,
) {
  const { contentType, ...payload } = encode(forgery.body, fields) as { data?: unknown; multipart?: Record<string, string>; contentType?: string };
  const headers = { ...forgery.headers(origin), ...(cookie ? cookieHeader(cookie) : {}), ...(contentType ? { "Content-Type": contentType } : {}) };
  const response = await context.post(path, { headers, ...payload, maxRedirects: 0 });
  const text = await response.text();
  expect(response.status(), `${forgery.name}: POST ${path} → ${text}`).toBe(403);
  expect(JSON.parse(text), `POST ${path}`).toMatchObject({ code: "csrf_rejected" });
  expect(setCookieLines(response), `POST ${path} must not touch cookies`).toEqual([]);
  return response;
}

test.describe("forged state-changing BFF requests are refused with 403 and change nothing", () => {
  for (const forgery of FORGERIES) {
    test(forgery.name, async ({ baseURL, alice, bob }) => {
      const origin = baseURL!;
      const victimCookie = await signInBff(origin, alice);
      const attacker = await cleanContext(origin);
      const title = `csrf-${randomBytes(6).toString("hex")}`;

      // Login CSRF: sign the victim's browser in as the attacker (bob), with his real password.
      await forge(attacker, "/bff/login", forgery, origin, { email: bob.email, password: bob.password });
      await forge(attacker, "/bff/api/notes", forgery, origin, { title, body: "forged" }, victimCookie);
      await forge(attacker, "/bff/logout", forgery, origin, {}, victimCookie);
      // The API's own routes are not reachable with a cookie either.
      await forge(attacker, "/bff/register", forgery, origin, { email: `x${bob.email}`, name: "Forged", password: bob.password });

      // Nothing changed: the session is alive and holds no forged note.
      const session = await attacker.get("/bff/session", { headers: cookieHeader(victimCookie) });
      expect(session.status(), "the victim is still signed in after a forged logout").toBe(200);
      expect((await session.json()).user.id).toBe(alice.id);
      const notes = await attacker.get("/bff/api/notes?limit=100", { headers: cookieHeader(victimCookie) });
      expect(notes.status()).toBe(200);
      expect(await notes.text(), "the forged note was not created").not.toContain(title);
      await attacker.dispose();
    });
  }

  test("control: the same requests with the headers the app's own pages send succeed", async ({ baseURL, alice }) => {
    const origin = baseURL!;
    const client = await cleanContext(origin);
    const login = await client.post("/bff/login", { headers: sameOrigin(origin), data: { email: alice.email, password: alice.password } });
    expect(login.status()).toBe(200);
    expect(setCookieLines(login).some((line) => line.startsWith(`${SESSION_COOKIE}=Fe26`))).toBe(true);
    const cookie = await signInBff(origin, alice);
    // Sec-Fetch-Site: same-origin stands in for a missing Origin (some browsers omit it on same-origin requests).
    const created = await client.post("/bff/api/notes", {
      headers: { ...cookieHeader(cookie), "X-CSRF": "1", "Sec-Fetch-Site": "same-origin" },
      data: { title: "control" },
    });
    expect(created.status()).toBe(201);
    const logout = await client.post("/bff/logout", { headers: bffHeaders(origin, cookie) });
    expect(logout.status()).toBe(204);
    expect((await client.get("/bff/session", { headers: cookieHeader(cookie) })).status()).toBe(401);
    await client.dispose();
  });

  test("reading is not state-changing, but GET never logs in or out", async ({ baseURL, alice }) => {
    const origin = baseURL!;
    const cookie = await signInBff(origin, alice);
    const client = await cleanContext(origin);
    const crossSite = { Origin: EVIL_ORIGIN, "Sec-Fetch-Site": "cross-site" };
    const loginViaGet = await client.get(`/bff/login?email=${encodeURIComponent(alice.email)}&password=${encodeURIComponent(alice.password)}`, { headers: crossSite });
    expect(loginViaGet.status()).toBe(405);
    expect(setCookieLines(loginViaGet)).toEqual([]);
    const logoutViaGet = await client.get("/bff/logout", { headers: { ...crossSite, ...cookieHeader(cookie) } });
    expect(logoutViaGet.status()).toBe(405);
    expect((await client.get("/bff/session", { headers: cookieHeader(cookie) })).status()).toBe(200);
    await client.dispose();
  });
});

// ---------------------------------------------------------------------------------------------
// A real browser on an attacker's page.

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function autoSubmittingForm(action: string, enctype: string, fields: [string, string][]): string {
  const inputs = fields.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join("");
  return `<!doctype html><title>win a prize</title><form method="POST" action="${escapeHtml(action)}" enctype="${enctype}">${inputs}</form><script>document.forms[0].submit()</script>`;
}

/**
 * The classic trick for a JSON body from an HTML form: enctype="text/plain" sends `name=value`,
 * so the field's name is the JSON up to an `=` inside the last string value and its value the rest.
 */
function jsonFormFields(json: Record<string, string>, lastKey: string): [string, string][] {
  const { [lastKey]: last, ...rest } = json;
  const split = last!.indexOf("=");
  if (split < 0) throw new TypeError(`the value of ${lastKey} needs an "=" for the text/plain trick`);
  const prefix = JSON.stringify({ ...rest, [lastKey]: "" }).slice(0, -2);
  return [[`${prefix}${last!.slice(0, split)}`, `${last!.slice(split + 1)}"}`]];
}

interface AttackerPages {
  site: AttackerSite;
  pages: Map<string, string>;
}

async function startAttackerPages(): Promise<AttackerPages> {
  const pages = new Map<string, string>();
  const site = await startAttackerSite((req) => ({ body: pages.get((req.url ?? "").split("?")[0]!) ?? "<!doctype html><title>404</title>" }));
  return { site, pages };
}

/** Opens an attacker page and waits until the request it forges has been answered (or the browser blocked it). */
async function visit(page: Page, url: string, appOrigin: string, expectRequest: boolean): Promise<number | null> {
  if (expectRequest) {
    const answered = page.waitForResponse((response) => response.url().startsWith(appOrigin), { timeout: 10_000 });
    await page.goto(url);
    const response = await answered;
    return response.status();
  }
  await page.goto(url);
  await expect(page).toHaveTitle(/^(done|blocked)$/, { timeout: 10_000 });
  return null;
}

async function newVictimBrowser(browser: Browser, origin: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL: origin, storageState: { cookies: [], origins: [] } });
}

async function appCookies(context: BrowserContext, origin: string) {
  return (await context.cookies(origin)).filter((cookie) => cookie.name === SESSION_COOKIE);
}

test.describe("an attacker's page in a real browser", () => {
  test("cross-site and same-site forms and fetches cannot log the browser in (login CSRF)", async ({ browser, baseURL, bffClient }) => {
    // Twelve fresh browsers in turn (six attacks from two origins): past 30 s beside three other workers.
    test.slow();
    const origin = baseURL!;
    // The attacker's own account, with an "=" in its password so even the text/plain trick sends it intact.
    const registrar = await cleanContext(origin);
    const alice = await createAccount(registrar, bffClient, { name: "Attacker", password: `${generatePassword()}=x` });
    await registrar.dispose();
    const { site, pages } = await startAttackerPages();
    // The no-JavaScript login form is a server action; an attacker copies its hidden fields.
    const loginHtml = await (await fetch(`${origin}/login`)).text();
    const actionFields = [...loginHtml.matchAll(/<input type="hidden" name="(\$ACTION_[^"]+)"(?: value="([^"]*)")?/g)].map(
      ([, name, value]) => [name!, (value ?? "").replace(/&quot;/g, '"').replace(/&amp;/g, "&")] as [string, string],
    );
    expect(actionFields.length, "the login form's server-action fields").toBeGreaterThan(0);
    const credentials = { email: alice.email, password: alice.password };
    pages.set("/form-json-text", autoSubmittingForm(`${origin}/bff/login`, "text/plain", jsonFormFields(credentials, "password")));
    pages.set("/form-urlencoded", autoSubmittingForm(`${origin}/bff/login`, "application/x-www-form-urlencoded", Object.entries(credentials)));
    pages.set("/form-multipart", autoSubmittingForm(`${origin}/bff/login`, "multipart/form-data", Object.entries(credentials)));
    pages.set(
      "/server-action",
      autoSubmittingForm(`${origin}/login`, "multipart/form-data", [...actionFields, ["returnTo", "/notes"], ...Object.entries(credentials)]),
    );
    const body = JSON.stringify(JSON.stringify(credentials));
    pages.set(
      "/fetch-with-header",
      `<!doctype html><title>wait</title><script>fetch(${JSON.stringify(`${origin}/bff/login`)}, {method: "POST", credentials: "include", headers: {"Content-Type": "application/json", "X-CSRF": "1"}, body: ${body}}).then(() => document.title = "done", () => document.title = "blocked")</script>`,
    );
    pages.set(
      "/fetch-no-cors",
      `<!doctype html><title>wait</title><script>fetch(${JSON.stringify(`${origin}/bff/login`)}, {method: "POST", mode: "no-cors", credentials: "include", headers: {"Content-Type": "text/plain"}, body: ${body}}).then(() => document.title = "done", () => document.title = "blocked")</script>`,
    );

    try {
      for (const attackerOrigin of [site.origin, site.crossSiteOrigin]) {
        for (const [path, isNavigation] of [
          ["/form-json-text", true],
          ["/form-urlencoded", true],
          ["/form-multipart", true],
          ["/server-action", true],
          ["/fetch-with-header", false],
          ["/fetch-no-cors", false],
        ] as const) {
          const context = await newVictimBrowser(browser, origin);
          const page = await context.newPage();
          const status = await visit(page, `${attackerOrigin}${path}`, origin, isNavigation);
          if (status !== null && path !== "/server-action") expect(status, `${attackerOrigin}${path}`).toBe(403);
          expect(await appCookies(context, origin), `${attackerOrigin}${path} signed the browser in`).toEqual([]);
          await context.close();
        }
      }
    } finally {
      await site.close();
    }
  });

  test("forms and fetches from another origin cannot create a note or log the victim out", async ({ browser, baseURL, alice }) => {
    const origin = baseURL!;
    const { site, pages } = await startAttackerPages();
    const title = `browser-csrf-${randomBytes(6).toString("hex")}`;
    const note = { title, body: "forged=yes" };
    pages.set("/note-text", autoSubmittingForm(`${origin}/bff/api/notes`, "text/plain", jsonFormFields(note, "body")));
    pages.set("/note-urlencoded", autoSubmittingForm(`${origin}/bff/api/notes`, "application/x-www-form-urlencoded", Object.entries(note)));
    pages.set("/logout", autoSubmittingForm(`${origin}/bff/logout`, "application/x-www-form-urlencoded", [["x", "1"]]));
    const body = JSON.stringify(JSON.stringify(note));
    pages.set(
      "/note-fetch-no-cors",
      `<!doctype html><title>wait</title><script>fetch(${JSON.stringify(`${origin}/bff/api/notes`)}, {method: "POST", mode: "no-cors", credentials: "include", headers: {"Content-Type": "text/plain"}, body: ${body}}).then(() => document.title = "done", () => document.title = "blocked")</script>`,
    );
    pages.set(
      "/note-fetch-with-header",
      `<!doctype html><title>wait</title><script>fetch(${JSON.stringify(`${origin}/bff/api/notes`)}, {method: "POST", credentials: "include", headers: {"Content-Type": "application/json", "X-CSRF": "1"}, body: ${body}}).then(() => document.title = "done", () => document.title = "blocked")</script>`,
    );

    const context = await newVictimBrowser(browser, origin);
    try {
      // The victim signs in in this browser (context.request shares the browser's cookies).
      const login = await context.request.post("/bff/login", { headers: sameOrigin(origin), data: { email: alice.email, password: alice.password } });
      expect(login.status()).toBe(200);
      expect(await appCookies(context, origin)).toHaveLength(1);
      const page = await context.newPage();

      for (const attackerOrigin of [site.origin, site.crossSiteOrigin]) {
        for (const [path, isNavigation] of [
          ["/note-text", true],
          ["/note-urlencoded", true],
          ["/logout", true],
          ["/note-fetch-no-cors", false],
          ["/note-fetch-with-header", false],
        ] as const) {
          const status = await visit(page, `${attackerOrigin}${path}`, origin, isNavigation);
          // Same site (127.0.0.1, other port): the Strict cookie is sent and the CSRF check refuses (403).
          // Cross-site (localhost): the cookie is not even sent; the CSRF check still answers first.
          if (status !== null) expect(status, `${attackerOrigin}${path}`).toBe(403);
        }
      }

      // Checked with the browser's cookie from a fresh connection (the browser's own one may have idled out).
      const [cookie] = await appCookies(context, origin);
      expect(cookie, "the browser still holds its session cookie").toBeTruthy();
      const checker = await cleanContext(origin);
      const session = await checker.get("/bff/session", { headers: cookieHeader(cookie!.value) });
      expect(session.status(), "the victim is still signed in").toBe(200);
      const notes = await checker.get("/bff/api/notes?limit=100", { headers: cookieHeader(cookie!.value) });
      expect(notes.status()).toBe(200);
      expect(await notes.text(), "no note was created").not.toContain(title);
      await checker.dispose();
    } finally {
      await context.close();
      await site.close();
    }
  });
});
