/**
 * The account-settings pages in a real browser against the production server: signing devices
 * out, personal access tokens from creation to revocation, changing the password, the activity
 * log, and full-page screenshots of every settings page (desktop and phone) in e2e/screenshots/.
 *
 * Several devices of one user are separate browser contexts signed in through the login form.
 * Tests that sign devices out or change a password use a fresh user, so they never touch the
 * shared signed-in user of the `chromium` project. Registrations are rate limited per IP
 * (20 an hour, and every test connects from 127.0.0.1), so this file registers only three.
 */
import fs from "node:fs";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { bearer, expect, generatePassword, registerAccount, signInContext, test as base, type Account } from "./fixtures";

/** No cookies: the config's storageState (the shared user) would otherwise be applied. */
const NO_STATE = { cookies: [], origins: [] };
const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");
/** "Within about a second" of revocation, with room for a page load. */
const REVOCATION_BUDGET_MS = 2_000;

const USER_AGENTS = {
  laptop: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
  android: "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0",
  iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
};

interface DeviceOptions {
  userAgent?: string;
  viewport?: { width: number; height: number };
  isMobile?: boolean;
}

type SettingsFixtures = {
  /** A new browser context signed in as `account` through the login form; closed after the test. */
  signIn: (account: Account, options?: DeviceOptions) => Promise<Page>;
  /** A plain HTTP client with no cookies, like a script would be. */
  http: APIRequestContext;
};

const test = base.extend<SettingsFixtures>({
  signIn: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (account, options = {}) => {
      const context = await newDevice(browser, baseURL!, options);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto("/login");
      await page.getByLabel("Email").fill(account.email);
      await page.getByLabel("Password", { exact: true }).fill(account.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/\/notes$/);
      return page;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
  http: async ({ baseURL }, use) => {
    const http = await playwrightRequest.newContext({ baseURL, storageState: NO_STATE });
    await use(http);
    await http.dispose();
  },
});

function newDevice(browser: Browser, baseURL: string, options: DeviceOptions): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    storageState: NO_STATE,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.viewport ? { viewport: options.viewport } : {}),
    ...(options.isMobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
}

/** Runs `action` and expects the page on the login page within the revocation budget. */
async function expectSignedOutAfter(page: Page, action: () => Promise<unknown>) {
  const startedMs = Date.now();
  await action();
  await expect(page).toHaveURL(/\/login\?returnTo=/, { timeout: REVOCATION_BUDGET_MS });
  expect(Date.now() - startedMs).toBeLessThan(REVOCATION_BUDGET_MS + 500);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

function sessionsList(page: Page) {
  return page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
}

/** Fills and submits the new-token form; returns the secret shown once. */
async function createTokenInUi(page: Page, name: string, scopes: string[], expiry = "In 30 days"): Promise<string> {
  await page.getByLabel("Name", { exact: true }).fill(name);
  for (const scope of scopes) await page.getByRole("checkbox", { name: scope }).check();
  await page.getByLabel("Expires", { exact: true }).selectOption({ label: expiry });
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Copy it now — you won't see it again")).toBeVisible();
  const secret = page.getByLabel("Your new token");
  await expect(secret).toBeFocused();
  return secret.inputValue();
}

test.describe("sessions", () => {
  test("a device signed out from another device's settings is on the login page at its next action", async ({ request, signIn }) => {
    const account = await registerAccount(request);
    const laptop = await signIn(account, { userAgent: USER_AGENTS.laptop });
    const phone = await signIn(account, { userAgent: USER_AGENTS.android });

    await laptop.goto("/settings/sessions");
    await expect(laptop.getByRole("heading", { name: "Signed-in devices" })).toBeVisible();
    await expect(sessionsList(laptop)).toHaveCount(2);
    const thisDevice = sessionsList(laptop).filter({ hasText: "This device" });
    await expect(thisDevice).toHaveCount(1);
    await expect(thisDevice).toContainText("Chrome 140");
    await expect(thisDevice.getByRole("button", { name: /^Sign out/ })).toHaveCount(0);
    const other = sessionsList(laptop).filter({ hasText: "Firefox 128" });
    await expect(other).toContainText("IP address");
    await expect(other).toContainText("Signed in");
    await expect(other).toContainText("Last active");

    // A confirmation first, as for revoking a token; cancelling changes nothing and returns focus.
    await other.getByRole("button", { name: /^Sign out Firefox 128/ }).click();
    const confirm = other.getByRole("group", { name: /^Sign out Firefox 128.*\?$/ });
    await expect(confirm.getByRole("button", { name: "Yes, sign out" })).toBeFocused();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(other.getByRole("button", { name: /^Sign out Firefox 128/ })).toBeFocused();
    await expect(sessionsList(laptop)).toHaveCount(2);

    await other.getByRole("button", { name: /^Sign out Firefox 128/ }).click();
    await other.getByRole("button", { name: "Yes, sign out" }).click();
    await expect(sessionsList(laptop)).toHaveCount(1);
    await expect(laptop.getByText("You are not signed in anywhere else.")).toBeVisible();
    // The entry and its button are gone: focus and the live region tell what happened.
    const signedOut = laptop.getByRole("status").filter({ hasText: /^Signed out Firefox 128 · Mobile · Android 14\.$/ });
    await expect(signedOut).toBeVisible();
    await expect(signedOut).toBeFocused();

    await expectSignedOutAfter(phone, () => phone.reload());
    // The device that did it is still signed in.
    await laptop.reload();
    await expect(sessionsList(laptop)).toHaveCount(1);
    await expect(laptop).toHaveURL(/\/settings\/sessions$/);
  });

  test("sign out all other devices signs out every other device and keeps this one", async ({ request, signIn }) => {
    const account = await registerAccount(request);
    const laptop = await signIn(account, { userAgent: USER_AGENTS.laptop });
    const android = await signIn(account, { userAgent: USER_AGENTS.android });
    const iphone = await signIn(account, { userAgent: USER_AGENTS.iphone });

    await laptop.goto("/settings/sessions");
    await expect(sessionsList(laptop)).toHaveCount(3);
    await laptop.getByRole("button", { name: "Sign out all other devices (2)" }).click();
    const confirm = laptop.getByRole("group", { name: "Sign out all other devices?" });
    await expect(confirm).toContainText("All 2 other devices will be signed out");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(laptop.getByRole("button", { name: "Sign out all other devices (2)" })).toBeFocused();
    await expect(sessionsList(laptop)).toHaveCount(3);
    await laptop.getByRole("button", { name: "Sign out all other devices (2)" }).click();
    await expect(confirm.getByRole("button", { name: "Yes, sign them out" })).toBeFocused();
    await confirm.getByRole("button", { name: "Yes, sign them out" }).click();
    const status = laptop.getByRole("status").filter({ hasText: "Signed out 2 other devices." });
    await expect(status).toBeVisible();
    await expect(status).toBeFocused();
    await expect(sessionsList(laptop)).toHaveCount(1);

    // The next fetch of a signed-out device gets 401, and bffFetch takes it to the login page.
    await android.getByLabel("Title").fill("written after being signed out");
    await expectSignedOutAfter(android, () => android.getByRole("button", { name: "Add note" }).click());
    await expect(android).toHaveURL(/notice=signed-out-elsewhere/);
    await expectSignedOutAfter(iphone, () => iphone.goto("/settings/sessions"));

    await laptop.goto("/notes");
    await expect(laptop.getByRole("heading", { name: "Your notes" })).toBeVisible();
  });
});

/**
 * Creating a token needs the password proven within REAUTH_WINDOW (10 min). The suite's shared
 * session was signed in when the run started and can be older than that by the time a test runs,
 * so these tests sign the browser in afresh as a new user.
 */
const signedInAfresh = async ({ context, baseURL, account }: { context: BrowserContext; baseURL: string | undefined; account: Account }) =>
  signInContext(context, baseURL!, account);

test.describe("personal access tokens", () => {
  test.beforeEach(signedInAfresh);

  test("a read-only token reads notes, is refused writes, sessions and the BFF, and stops at revocation", async ({ page, http, context }) => {
    const name = `CI read-only ${Date.now()}`;
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/settings/tokens");
    await expect(page.getByRole("heading", { name: "Personal access tokens" })).toBeVisible();
    await expect(page.locator("pre")).toContainText(`curl -H "Authorization: Bearer khp_…" `);
    await expect(page.locator("pre")).toContainText("/api/v1/notes");

    const token = await createTokenInUi(page, name, ["notes:read"]);
    expect(token).toMatch(/^khp_[0-9a-f]{40,}$/);
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    const item = page.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
    await expect(item).toContainText(`${token.slice(0, 12)}…`);
    await expect(item.getByRole("list", { name: "Scopes" }).getByRole("listitem")).toHaveText(["notes:read"]);
    await expect(item).toContainText("Last used");
    await expect(item).toContainText("Never");

    const read = await http.get("/api/v1/notes", { headers: bearer(token) });
    expect(read.status()).toBe(200);
    const write = await http.post("/api/v1/notes", { headers: bearer(token), data: { title: "from a read-only token" } });
    expect(write.status()).toBe(403);
    expect(write.headers()["www-authenticate"]).toContain("insufficient_scope");
    const sessions = await http.get("/api/v1/sessions", { headers: bearer(token) });
    expect(sessions.status()).toBe(403);
    // The BFF authenticates by its cookie only: a bearer token is not a way in.
    const viaBff = await http.get("/bff/api/notes", { headers: bearer(token) });
    expect(viaBff.status()).toBe(401);

    // Last used shows up once the page asks again.
    await page.reload();
    await expect(item.getByRole("definition").nth(1)).not.toHaveText("Never");
    await expect(page.getByLabel("Your new token")).toHaveCount(0);
    expect(await page.content()).not.toContain(token);

    await item.getByRole("button", { name: `Revoke ${name}` }).click();
    await expect(item.getByRole("button", { name: "Yes, revoke" })).toBeFocused();
    await item.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(item).toHaveCount(0);
    await expect
      .poll(async () => (await http.get("/api/v1/notes", { headers: bearer(token) })).status(), { timeout: REVOCATION_BUDGET_MS, intervals: [100] })
      .toBe(401);
  });

  test("a token created while the list is still loading is in the list", async ({ page }) => {
    // The list's first answer is read from the server before the token exists and held until the
    // token is created, as on a busy server: the page must fetch the list again, not settle on it.
    const name = `Created during loading ${Date.now()}`;
    let listRequested!: () => void;
    const firstListRequested = new Promise<void>((resolve) => (listRequested = resolve));
    let holding = true;
    await page.route("**/bff/api/tokens", async (route) => {
      if (route.request().method() !== "GET" || !holding) return route.continue();
      holding = false;
      const staleList = await route.fetch();
      listRequested();
      await page.waitForResponse((response) => response.url().endsWith("/bff/api/tokens") && response.request().method() === "POST");
      await route.fulfill({ response: staleList });
    });
    await page.goto("/settings/tokens");
    await firstListRequested;

    const token = await createTokenInUi(page, name, ["notes:read"]);
    const item = page.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
    await expect(item).toContainText(`${token.slice(0, 12)}…`);
  });

  test("the form needs a name and a scope, and a token without expiry needs an explicit confirmation", async ({ page }) => {
    const name = `Never expires ${Date.now()}`;
    await page.goto("/settings/tokens");
    await page.getByRole("button", { name: "Create token" }).click();
    const nameInput = page.getByLabel("Name", { exact: true });
    await expect(nameInput).toBeFocused();
    await expect(nameInput).toHaveAttribute("aria-invalid", "true");
    await expect(nameInput).toHaveAccessibleDescription(/Give the token a name/);
    await expect(page.getByRole("alert").filter({ hasText: "Please correct the marked fields." })).toBeVisible();
    await expect(page.getByRole("group", { name: "Scopes" })).toHaveAccessibleDescription(/Choose at least one scope/);

    await nameInput.fill(name);
    await page.getByRole("checkbox", { name: "notes:read" }).check();
    // The scope error is answered as soon as a scope is ticked; the name's stays until the next submit.
    await expect(page.getByText("Choose at least one scope.")).toHaveCount(0);
    await expect(page.getByRole("group", { name: "Scopes" })).not.toHaveAccessibleDescription(/Choose at least one scope/);
    await expect(page.getByRole("checkbox", { name: "notes:read" })).not.toHaveAttribute("aria-invalid", "true");
    await page.getByRole("checkbox", { name: "profile:read" }).check();
    await page.getByLabel("Expires", { exact: true }).selectOption({ label: "No expiry" });
    await expect(page.getByText("This token will never expire.")).toBeVisible();
    await page.getByRole("button", { name: "Create token" }).click();
    const confirm = page.getByRole("checkbox", { name: /I understand/ });
    await expect(confirm).toBeFocused();
    await expect(confirm).toHaveAccessibleDescription(/Confirm that this token should never expire/);

    await confirm.check();
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByText("Copy it now — you won't see it again")).toBeVisible();
    const item = page.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
    await expect(item).toContainText("No expiry");
    await expect(item.getByRole("list", { name: "Scopes" }).getByRole("listitem")).toHaveText(["notes:read", "profile:read"]);
    await page.getByRole("button", { name: "Done, hide the token" }).click();
    await expect(page.getByLabel("Your new token")).toHaveCount(0);

    // A custom date: the list shows that day.
    await page.getByLabel("Name", { exact: true }).fill(`${name} dated`);
    await page.getByRole("checkbox", { name: "notes:write" }).check();
    await page.getByLabel("Expires", { exact: true }).selectOption({ label: "On a date…" });
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000);
    const day = `${inTwoWeeks.getFullYear()}-${String(inTwoWeeks.getMonth() + 1).padStart(2, "0")}-${String(inTwoWeeks.getDate()).padStart(2, "0")}`;
    await page.getByLabel("Expiry date").fill(day);
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByLabel("Your new token")).toBeVisible();
    const dated = page.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ has: page.getByRole("heading", { name: `${name} dated` }) });
    await expect(dated.locator(`time[datetime^="${inTwoWeeks.toISOString().slice(0, 4)}"]`).last()).toBeVisible();

    for (const tokenName of [name, `${name} dated`]) {
      const row = page.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ has: page.getByRole("heading", { name: tokenName, exact: true }) });
      await row.getByRole("button", { name: `Revoke ${tokenName}` }).click();
      await row.getByRole("button", { name: "Yes, revoke" }).click();
      await expect(row).toHaveCount(0);
    }
  });
});

test.describe("password and activity", () => {
  test("changing the password signs out the other devices, keeps this one, and the activity log shows it all", async ({ request, signIn, http, baseURL }) => {
    const account = await registerAccount(request);
    const laptop = await signIn(account, { userAgent: USER_AGENTS.laptop });
    const phone = await signIn(account, { userAgent: USER_AGENTS.android });

    // A token created and revoked, for the activity log.
    await laptop.goto("/settings/tokens");
    await createTokenInUi(laptop, "Backup script", ["notes:read"]);
    const tokenItem = laptop.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ hasText: "Backup script" });
    await tokenItem.getByRole("button", { name: "Revoke Backup script" }).click();
    await tokenItem.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(tokenItem).toHaveCount(0);

    await laptop.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Password" }).click();
    await expect(laptop).toHaveURL(/\/settings\/password$/);
    const current = laptop.getByLabel("Current password");
    const next = laptop.getByLabel("New password");

    // A wrong current password: the error is on that field, which gets the focus.
    await current.fill(generatePassword());
    await next.fill(generatePassword());
    await laptop.getByRole("button", { name: "Change password" }).click();
    await expect(current).toBeFocused();
    await expect(current).toHaveAttribute("aria-invalid", "true");
    await expect(current).toHaveAccessibleDescription(/not your current password/i);
    await expect(laptop.getByRole("alert").filter({ hasText: "Your password was not changed." })).toBeVisible();

    // A weak new password: the error moves to the new password.
    await current.fill(account.password);
    await next.fill("password1234");
    await laptop.getByRole("button", { name: "Change password" }).click();
    await expect(next).toBeFocused();
    await expect(next).toHaveAttribute("aria-invalid", "true");
    await expect(current).not.toHaveAttribute("aria-invalid", "true");

    const newPassword = generatePassword();
    await current.fill(account.password);
    await next.fill(newPassword);
    await laptop.getByRole("button", { name: "Change password" }).click();
    const changed = laptop.getByRole("status").filter({ hasText: "Password changed. Your other devices have been signed out." });
    await expect(changed).toBeVisible();
    await expect(changed).toBeFocused();
    await expect(current).toHaveValue("");

    await expectSignedOutAfter(phone, () => phone.reload());
    await laptop.goto("/notes");
    await expect(laptop.getByRole("heading", { name: "Your notes" })).toBeVisible();

    const login = (password: string) => http.post("/bff/login", { headers: { "X-CSRF": "1", Origin: baseURL! }, data: { email: account.email, password } });
    expect((await login(account.password)).status()).toBe(401);
    expect((await login(newPassword)).status()).toBe(200);

    // (d) The activity log, newest first, with human labels, IP and browser.
    await laptop.goto("/settings/activity");
    const events = laptop.getByRole("list", { name: "Activity, newest first" }).getByRole("listitem");
    await expect(events.first()).toBeVisible();
    const types = await events.evaluateAll((items) => items.map((item) => item.getAttribute("data-type")));
    for (const type of ["sign_in", "pat_created", "pat_revoked", "password_changed", "session_revoked", "user_registered"]) expect(types).toContain(type);
    // Newest first: the password change came after the token, the token after the sign-ins.
    expect(types.indexOf("password_changed")).toBeLessThan(types.indexOf("pat_revoked"));
    expect(types.indexOf("pat_revoked")).toBeLessThan(types.indexOf("pat_created"));
    expect(types.indexOf("pat_created")).toBeLessThan(types.lastIndexOf("sign_in"));
    await expect(events.filter({ hasText: "Password changed" }).first()).toContainText("Chrome 140 on Linux");
    await expect(events.filter({ hasText: "Access token created" })).toContainText("“Backup script”");
    await expect(events.filter({ hasText: "Access token revoked" })).toHaveCount(1);
    await expect(events.filter({ hasText: "Signed in" }).first()).toContainText(/IP \S+/);
  });

  test("the activity log pages with Show older", async ({ page, baseURL, context, account }) => {
    await signedInAfresh({ context, baseURL, account });
    // Create and revoke enough tokens (through the BFF, as the page would) for two pages.
    const headers = { "X-CSRF": "1", Origin: baseURL! };
    for (let index = 0; index < 11; index++) {
      const created = await page.request.post("/bff/api/tokens", { headers, data: { name: `paging ${index}`, scopes: ["notes:read"], expiresInDays: 7 } });
      expect(created.status()).toBe(201);
      const { personalAccessToken } = (await created.json()) as { personalAccessToken: { id: string } };
      expect((await page.request.delete(`/bff/api/tokens/${personalAccessToken.id}`, { headers })).status()).toBe(204);
    }
    await page.goto("/settings/activity");
    const events = page.getByRole("list", { name: "Activity, newest first" }).getByRole("listitem");
    await expect(events).toHaveCount(20);
    await page.getByRole("button", { name: "Show older" }).click();
    await expect.poll(() => events.count()).toBeGreaterThan(20);
    const ids = await events.evaluateAll((items) => items.map((item) => item.textContent));
    expect(ids.length).toBeGreaterThan(20);
  });
});

test.describe("navigation", () => {
  test("header and settings links mark the current page", async ({ page }) => {
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/settings\/sessions$/);
    const main = page.getByRole("navigation", { name: "Main" });
    await expect(main.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
    await expect(main.getByRole("link", { name: "Notes" })).not.toHaveAttribute("aria-current", "page");
    const settings = page.getByRole("navigation", { name: "Settings" });
    for (const [label, heading] of [
      ["Tokens", "Personal access tokens"],
      ["Password", "Change your password"],
      ["Activity", "Account activity"],
      ["Profile", "Profile"],
      ["Sessions", "Signed-in devices"],
    ] as const) {
      await settings.getByRole("link", { name: label }).click();
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(settings.getByRole("link", { name: label })).toHaveAttribute("aria-current", "page");
      await expect(settings.locator('[aria-current="page"]')).toHaveCount(1);
    }
    await main.getByRole("link", { name: "Notes" }).click();
    await expect(page.getByRole("heading", { name: "Your notes" })).toBeVisible();
    await expect(main.getByRole("link", { name: "Notes" })).toHaveAttribute("aria-current", "page");
  });

  test("a signed-out visitor to a settings page is sent to sign in and back", async ({ browser, baseURL }) => {
    const context = await newDevice(browser, baseURL!, {});
    const page = await context.newPage();
    await page.goto("/settings/tokens");
    await expect(page).toHaveURL(/\/login\?returnTo=%2Fsettings%2Ftokens$/);
    await context.close();
  });
});

test.describe("screenshots", () => {
  test("every settings page on a desktop and a phone", async ({ request, signIn, browser, baseURL }) => {
    test.slow();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const account = await registerAccount(request, { name: "Ada Lovelace" });
    await signIn(account, { userAgent: USER_AGENTS.android });
    await signIn(account, { userAgent: USER_AGENTS.iphone });
    const setup = await signIn(account, { userAgent: USER_AGENTS.laptop });
    await setup.goto("/settings/tokens");
    await createTokenInUi(setup, "Nightly backup", ["notes:read"], "In 90 days");
    await setup.getByRole("button", { name: "Done, hide the token" }).click();
    await createTokenInUi(setup, "Deploy bot", ["notes:read", "notes:write"], "In 7 days");
    await setup.getByRole("button", { name: "Done, hide the token" }).click();
    await createTokenInUi(setup, "Old experiment", ["profile:read"]);
    await setup.getByRole("button", { name: "Done, hide the token" }).click();
    const old = setup.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ hasText: "Old experiment" });
    await old.getByRole("button", { name: "Revoke Old experiment" }).click();
    await old.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(old).toHaveCount(0);

    const layouts = [
      { label: "desktop", viewport: { width: 1280, height: 800 }, isMobile: false },
      { label: "phone", viewport: { width: 390, height: 844 }, isMobile: true },
    ];
    for (const layout of layouts) {
      const context = await newDevice(browser, baseURL!, { userAgent: USER_AGENTS.laptop, ...layout });
      try {
        await context.addCookies((await setup.context().cookies()).filter((cookie) => cookie.name.startsWith("__Host-")));
        const page = await context.newPage();
        for (const [name, heading, ready] of [
          ["profile", "Profile", "Delete your account"],
          ["sessions", "Signed-in devices", "Sign out all other devices"],
          ["tokens", "Personal access tokens", "Nightly backup"],
          ["password", "Change your password", "Change password"],
          ["activity", "Account activity", "Signed in"],
        ] as const) {
          await page.goto(`/settings/${name}`);
          await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
          await expect(page.getByText(ready).first()).toBeVisible();
          await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${layout.label}.png`), fullPage: true });
        }
        // The states worth seeing too: a new token on display, the never-expires warning, a form error.
        await page.goto("/settings/tokens");
        await createTokenInUi(page, "Shown once", ["notes:read"]);
        await page.getByLabel("Name", { exact: true }).fill("Forever");
        await page.getByRole("checkbox", { name: "notes:read" }).check();
        await page.getByLabel("Expires", { exact: true }).selectOption({ label: "No expiry" });
        await page.getByRole("button", { name: "Create token" }).click();
        await expect(page.getByRole("checkbox", { name: /I understand/ })).toBeFocused();
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `tokens-created-${layout.label}.png`), fullPage: true });
        await page.goto("/settings/password");
        await page.getByRole("button", { name: "Change password" }).click();
        await expect(page.getByLabel("Current password")).toBeFocused();
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `password-errors-${layout.label}.png`), fullPage: true });
        await page.goto("/notes");
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `notes-header-${layout.label}.png`) });
      } finally {
        await context.close();
      }
    }
  });
});
