/**
 * DESIGN.md's browser-side invariants, checked in a real browser while the app is used:
 * no token is ever readable by the page (cookies, storage, any response body: HTML, RSC, JSON),
 * the session cookie's attributes, and a nonce-based CSP that the app itself never violates.
 */
import type { Page, Response } from "@playwright/test";
import { expect, registerAccount, SIGNED_OUT, test, unsealSessionCookie } from "./fixtures";
import { addNote, expectSignedInAs, isNotesPath, noteTitles, submitLoginForm } from "./support/app-pages";
import { cspDirectives } from "./support/csp";

const SESSION_COOKIE = "__Host-keyhole";
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
const REFRESH_TOKEN_PREFIX = "khr_";
const DAY_SECONDS = 24 * 60 * 60;

test.use({ storageState: SIGNED_OUT });

interface RecordedBody {
  url: string;
  status: number;
  contentType: string;
  body: string;
}

/**
 * Every response body the page receives, read where Chromium hands it over (CDP's Fetch domain
 * paused at the response stage), so bodies the page never reads (Next.js's RSC prefetches) and
 * streamed ones (server-action answers) are all seen; and every session cookie it was sent.
 */
async function recordResponses(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const recorded: Promise<void>[] = [];
  const bodies: RecordedBody[] = [];
  const unreadable: string[] = [];
  const sessionCookies = new Set<string>();
  cdp.on("Fetch.requestPaused", (event) => {
    recorded.push(
      (async () => {
        const headers = event.responseHeaders ?? [];
        let readFailed = false;
        try {
          for (const header of headers) {
            if (header.name.toLowerCase() !== "set-cookie") continue;
            for (const line of header.value.split("\n")) {
              const match = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(line);
              if (match?.[1]) sessionCookies.add(match[1]);
            }
          }
          const status = event.responseStatusCode ?? 0;
          if (status < 300 || status >= 400) {
            // Bounded: Chromium never answers for a request the page cancels while it is paused.
            const { body, base64Encoded } = await Promise.race([
              cdp.send("Fetch.getResponseBody", { requestId: event.requestId }),
              new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error("no body in time")), 5_000)),
            ]);
            bodies.push({
              url: event.request.url,
              status,
              contentType: headers.find((header) => header.name.toLowerCase() === "content-type")?.value ?? "",
              body: base64Encoded ? Buffer.from(body, "base64").toString("utf8") : body,
            });
          }
        } catch {
          readFailed = true;
        }
        // Paused here, the page has had none of the body yet. A request the page cancelled meanwhile
        // (a prefetch it no longer wants) cannot continue, and then the page never gets a byte of it.
        const delivered = await cdp.send("Fetch.continueRequest", { requestId: event.requestId }).then(() => true, () => false);
        if (readFailed && delivered) unreadable.push(event.request.url);
      })(),
    );
  });
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Response" }] });
  return {
    sessionCookies,
    async bodies(): Promise<RecordedBody[]> {
      await Promise.all(recorded);
      await cdp.detach();
      expect(unreadable, "responses whose body could not be read").toEqual([]);
      return bodies;
    },
  };
}

/** Signs in with the form (a server action with JavaScript on) and does a bit of everything with notes. */
async function useTheApp(page: Page, baseURL: string, account: { email: string; password: string; name: string }) {
  await page.goto("/register");
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login\?returnTo=/);
  await submitLoginForm(page, account);
  await expect(page).toHaveURL(`${baseURL}/notes`);
  await expectSignedInAs(page, account.name);

  expect((await addNote(page, "Invariant one", "first body")).status()).toBe(201);
  expect((await addNote(page, "Invariant two", "second body")).status()).toBe(201);
  await page.getByRole("button", { name: "Edit Invariant one" }).click();
  const editForm = page.getByRole("form", { name: "Edit Invariant one" });
  await editForm.getByLabel("Title").fill("Invariant one, edited");
  const patched = page.waitForResponse((response) => isNotesPath(response.url()) && response.request().method() === "PATCH");
  await editForm.getByRole("button", { name: "Save" }).click();
  expect((await patched).status()).toBe(200);
  const deleted = page.waitForResponse((response) => isNotesPath(response.url()) && response.request().method() === "DELETE");
  await page.getByRole("button", { name: "Delete Invariant two" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  expect((await deleted).status()).toBe(204);
  await expect(noteTitles(page)).toHaveText(["Invariant one, edited"]);

  // A client-side navigation (RSC payload), a full page load, a public page, and /login while signed in.
  // (The logo is no link on the page it would link to; the main navigation goes there and back.)
  const mainNav = page.getByRole("navigation", { name: "Main" });
  await mainNav.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Signed-in devices" })).toBeVisible();
  await page.getByRole("link", { name: "Keyhole" }).click();
  await expect(noteTitles(page)).toHaveText(["Invariant one, edited"]);
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.goto("/login");
  await expect(page).toHaveURL(`${baseURL}/notes`);
  await page.reload();
  await expect(noteTitles(page)).toHaveText(["Invariant one, edited"]);
  expect(await page.evaluate(async () => {
    const response = await fetch("/bff/session");
    await response.text();
    return response.status;
  })).toBe(200);
}

test("no token is ever readable by the page: not in document.cookie, storage, HTML, RSC payloads or JSON", async ({ page, context, baseURL, request }) => {
  const account = await registerAccount(request, { name: "Invariant Checker" });
  const recorder = await recordResponses(page);
  await useTheApp(page, baseURL!, account);

  expect(await page.evaluate(() => document.cookie)).toBe("");
  const storage = await page.evaluate(() =>
    [localStorage, sessionStorage].flatMap((store) => Object.keys(store).map((key) => `${key}=${store.getItem(key)}`)),
  );
  for (const entry of storage) {
    expect(entry).not.toMatch(JWT);
    expect(entry).not.toContain(REFRESH_TOKEN_PREFIX);
  }

  // The exact secrets the browser carried sealed, to look for them verbatim as well.
  const cookie = (await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
  expect(cookie).toBeDefined();
  recorder.sessionCookies.add(cookie!.value);
  const secrets = [...recorder.sessionCookies];
  for (const sealed of recorder.sessionCookies) {
    const session = await unsealSessionCookie(sealed);
    expect(session.accessToken).toMatch(JWT);
    expect(session.refreshToken.startsWith(REFRESH_TOKEN_PREFIX)).toBe(true);
    secrets.push(session.accessToken, session.refreshToken);
  }

  const bodies = await recorder.bodies();
  // The scan covers every kind of answer the browser gets, so it cannot pass by seeing nothing.
  expect(bodies.some((entry) => entry.contentType.startsWith("text/html"))).toBe(true);
  expect(bodies.some((entry) => entry.contentType.startsWith("text/x-component"))).toBe(true);
  expect(bodies.some((entry) => entry.contentType.startsWith("application/json") && new URL(entry.url).pathname.startsWith("/bff/"))).toBe(true);
  // And the scan reads real content: the user's own data is there, where it belongs.
  expect(bodies.some((entry) => entry.body.includes(account.email))).toBe(true);
  expect(bodies.some((entry) => entry.body.includes("Invariant one, edited"))).toBe(true);
  for (const { url, body } of bodies) {
    expect(body, `a JWT in ${url}`).not.toMatch(JWT);
    expect(body, `a refresh token in ${url}`).not.toContain(REFRESH_TOKEN_PREFIX);
    for (const secret of secrets) expect(body.includes(secret), `a session secret in ${url}`).toBe(false);
  }
});

test("the session cookie is __Host-keyhole: HttpOnly, Secure, SameSite=Strict, Path=/, host-only, under 4 KB, at most 30 days", async ({ page, context, baseURL, request }) => {
  const account = await registerAccount(request);
  await page.goto("/login");
  const signedIn = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/login");
  await submitLoginForm(page, account);
  const setCookies = (await (await signedIn).headersArray()).filter((header) => header.name.toLowerCase() === "set-cookie").map((header) => header.value);
  await expect(page).toHaveURL(`${baseURL}/notes`);

  // As sent: the attributes themselves, and no Domain (which would share it with subdomains).
  expect(setCookies).toHaveLength(1);
  const attributes = setCookies[0]!.split(";").slice(1).map((part) => part.trim().toLowerCase());
  expect(attributes).toEqual(expect.arrayContaining(["path=/", "secure", "httponly", "samesite=strict"]));
  expect(attributes.filter((attribute) => attribute.startsWith("domain="))).toEqual([]);

  // As stored: the only cookie the site has.
  const cookies = await context.cookies();
  expect(cookies.map((cookie) => cookie.name)).toEqual([SESSION_COOKIE]);
  const cookie = cookies[0]!;
  expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/", domain: new URL(baseURL!).hostname });
  expect(cookie.value.length).toBeLessThan(4096);
  const nowSeconds = Date.now() / 1000;
  expect(cookie.expires).toBeGreaterThan(nowSeconds + DAY_SECONDS);
  expect(cookie.expires).toBeLessThanOrEqual(nowSeconds + 30 * DAY_SECONDS + 60);
  // And never longer than the session it holds.
  expect(cookie.expires * 1000).toBeLessThanOrEqual((await unsealSessionCookie(cookie.value)).expiresAtMs + 1_000);
});

/** The page's CSP checked against the rules, and every <script> in its HTML carrying the policy's nonce. Returns the nonce. */
async function expectNoncePolicy(response: Response | null): Promise<string> {
  expect(response?.status()).toBe(200);
  const policy = response!.headers()["content-security-policy"];
  expect(policy, `CSP of ${response!.url()}`).toBeDefined();
  const csp = cspDirectives(policy!);
  const scriptSrc = csp.get("script-src") ?? [];
  const nonce = /^'nonce-([A-Za-z0-9+/=_-]{16,})'$/.exec(scriptSrc.find((value) => value.startsWith("'nonce-")) ?? "")?.[1];
  expect(nonce, `a nonce in ${policy}`).toBeDefined();
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("base-uri")).toEqual(["'none'"]);

  const html = await response!.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, "every script carries the nonce").toContain(`nonce="${nonce}"`);
  return nonce!;
}

test("pages send a fresh-nonce, strict-dynamic CSP, and using the app reports no CSP violation", async ({ page, baseURL, request }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeBinding("reportCspViolation", (_source, text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });

  const nonces = new Set<string>();
  for (const path of ["/login", "/login", "/register", "/docs/api"]) nonces.add(await expectNoncePolicy(await page.goto(path)));
  expect(nonces.size, "a fresh nonce on every response").toBe(4);

  const account = await registerAccount(request, { name: "Policy Checker" });
  await page.goto("/login");
  await submitLoginForm(page, account);
  await expect(page).toHaveURL(`${baseURL}/notes`);
  nonces.add(await expectNoncePolicy(await page.reload()));
  await expectSignedInAs(page, "Policy Checker");
  expect((await addNote(page, "Under policy", "text")).status()).toBe(201);
  await page.getByRole("button", { name: "Delete Under policy" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByText("No notes yet.")).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Keyhole" }).click();
  await page.waitForLoadState("networkidle");
  expect(violations).toEqual([]);
});
