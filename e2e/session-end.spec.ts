/**
 * What a person sees when a session ends or a sign-in is refused: the reason on the sign-in page
 * (after a failing /bff request, after a reload, after reuse of a stolen refresh token), the one-time
 * security notice at the next sign-in, "Try again in …" after too many attempts, a sign-in page that
 * logs no error for a fresh visitor, the page for an address other than APP_ORIGIN, and a
 * registration form that keeps what was typed and shows every field's problem at once.
 */
import { execFileSync } from "node:child_process";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { basicAuth, bearer, expect, generatePassword, passwordGrant, refreshGrant, registerAccount, test, unsealSessionCookie, type Account } from "./fixtures";
import { SESSION_COOKIE } from "./security/support/attacker";
import { getTestRun, serverEnvironment } from "./support/test-run";

test.use({ storageState: { cookies: [], origins: [] } });

/** RATE_LIMITS.signInFailuresPerAccountAndIp.points in lib/auth/rate-limits.ts. */
const FAILURES_PER_ACCOUNT_AND_IP = 10;
/** REFRESH_GRACE_PERIOD's default: a rotated refresh token presented later than this is reuse. */
const GRACE_PERIOD_MS = 30_000;

async function signInWithForm(page: Page, account: Pick<Account, "email" | "password">, origin = "") {
  await page.goto(`${origin}/login?returnTo=%2Fnotes`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function newDevice(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  return { context, page: await context.newPage() };
}

/** The notice of the sign-in page: one place, a warning unless the user signed out themselves. */
function notice(page: Page) {
  return page.locator(".session-notice");
}

test.describe("why a session ended", () => {
  test("a device signed out from another device: a reload shows why, as a warning", async ({ browser, baseURL, request }) => {
    const account = await registerAccount(request);
    const laptop = await newDevice(browser, baseURL!);
    const phone = await newDevice(browser, baseURL!);
    await signInWithForm(laptop.page, account);
    await signInWithForm(phone.page, account);
    await expect(phone.page).toHaveURL(/\/notes$/);
    // The page's own first requests (the idle watcher's) are over: only the reload below meets the ended session.
    await phone.page.waitForLoadState("networkidle");

    const sessions = await (await laptop.context.request.get("/bff/api/sessions")).json();
    const other = sessions.items.find((session: { current: boolean }) => !session.current);
    const revoked = await laptop.context.request.delete(`/bff/api/sessions/${other.id}`, { headers: { "X-CSRF": "1", Origin: baseURL! } });
    expect(revoked.ok()).toBe(true);

    await phone.page.reload();
    await expect(phone.page).toHaveURL(/\/login\?returnTo=%2Fnotes&notice=signed-out-elsewhere$/);
    await expect(notice(phone.page)).toHaveText("Warning: You were signed out from another device. Please sign in again.");
    await expect(notice(phone.page)).toHaveClass(/alert-warning/);
    await expect(phone.page.getByRole("status")).toContainText("signed out from another device");
    await laptop.context.close();
    await phone.context.close();
  });

  test("a password changed on another device: the next request of this one shows why", async ({ browser, baseURL, request }) => {
    const account = await registerAccount(request);
    const laptop = await newDevice(browser, baseURL!);
    const phone = await newDevice(browser, baseURL!);
    await signInWithForm(laptop.page, account);
    await signInWithForm(phone.page, account);
    await expect(phone.page.getByRole("heading", { name: "Your notes" })).toBeVisible();

    const changed = await laptop.context.request.post("/bff/api/me/password", {
      headers: { "X-CSRF": "1", Origin: baseURL! },
      data: { currentPassword: account.password, newPassword: generatePassword() },
    });
    expect(changed.status()).toBe(204);

    await phone.page.getByLabel("Title").fill("written after the password changed");
    await phone.page.getByRole("button", { name: "Add note" }).click();
    await expect(phone.page).toHaveURL(/\/login\?returnTo=%2Fnotes&notice=password-changed$/);
    await expect(notice(phone.page)).toHaveText(/Your password was changed, so this device was signed out/);
    await expect(notice(phone.page)).toHaveClass(/alert-warning/);
    await laptop.context.close();
    await phone.context.close();
  });

  test("an account disabled from the command line: the open page's next request shows why", async ({ browser, baseURL, request, bffClient }) => {
    const account = await registerAccount(request);
    const device = await newDevice(browser, baseURL!);
    await signInWithForm(device.page, account);
    await expect(device.page.getByRole("heading", { name: "Your notes" })).toBeVisible();
    // A newer session of the account's (sessions are revoked oldest first), used once so that this
    // server has it confirmed as live, like the device's: from then on only the revocation poll ends
    // it, so once the server refuses it, it has learnt of the device's revocation too.
    const probe = await passwordGrant(request, bffClient, account);
    expect((await request.get("/api/v1/notes", { headers: bearer(probe.access_token) })).status()).toBe(200);

    // `npm run user:disable -- <email>` against this server's database.
    const run = getTestRun();
    execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/disable-user.ts", account.email], {
      env: { ...process.env, ...serverEnvironment(run, run.servers.main) },
      stdio: "pipe",
    });
    // A revocation made by another process reaches this server within a second (polled on SQLite).
    await expect.poll(async () => (await request.get("/api/v1/notes", { headers: bearer(probe.access_token) })).status()).toBe(401);

    await device.page.getByLabel("Title").fill("written after the account was disabled");
    await device.page.getByRole("button", { name: "Add note" }).click();
    await expect(device.page).toHaveURL(/notice=account-disabled$/);
    await expect(notice(device.page)).toHaveText("Warning: Your session has ended because this account has been disabled.");
    await device.context.close();
  });

  test("an unknown notice code shows nothing of its own: only the fixed codes have text", async ({ page }) => {
    await page.goto("/login?notice=%3Cb%3Ehacked%3C%2Fb%3E");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expect(notice(page)).toHaveCount(0);
    await expect(page.getByText("hacked")).toHaveCount(0);
  });

  test("a stolen refresh token: the session ends 'for your security', and the next sign-in says so once", async ({ browser, baseURL, request, bffClient }) => {
    test.setTimeout(90_000);
    const account = await registerAccount(request);
    const device = await newDevice(browser, baseURL!);
    await signInWithForm(device.page, account);
    await expect(device.page).toHaveURL(/\/notes$/);

    // The attacker has the refresh token: uses it, and the device's copy is replayed after the grace window.
    const cookie = (await device.context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE)!;
    const { refreshToken } = await unsealSessionCookie(cookie.value);
    await refreshGrant(request, bffClient, refreshToken);
    await device.page.waitForTimeout(GRACE_PERIOD_MS + 1_000);
    const replay = await request.post("/api/v1/auth/token", {
      headers: basicAuth(bffClient),
      form: { grant_type: "refresh_token", refresh_token: refreshToken },
    });
    expect(replay.status()).toBe(400);

    await device.page.reload();
    await expect(device.page).toHaveURL(/notice=security$/);
    await expect(notice(device.page)).toHaveText(/Your session was ended for your security: its sign-in token was used twice/);
    await expect(notice(device.page)).toHaveClass(/alert-warning/);

    await device.page.getByLabel("Email").fill(account.email);
    await device.page.getByLabel("Password").fill(account.password);
    await device.page.getByRole("button", { name: "Sign in" }).click();
    await expect(device.page).toHaveURL(/\/security-notice\?returnTo=%2Fnotes$/);
    await expect(device.page.getByRole("heading", { name: "Check your account" })).toBeVisible();
    await expect(device.page.getByRole("main").getByRole("alert")).toHaveText(
      /We ended a session on .+ because its sign-in token was used twice\. If this wasn't you, change your password\./,
    );
    // In the app's one date format, in the reader's time zone (after hydration: not the server's UTC text).
    const when = device.page.getByRole("main").getByRole("alert").locator("time");
    await expect(when).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
    await expect(when).not.toHaveText(/UTC/);
    await expect(device.page.getByRole("link", { name: "Change password" })).toHaveAttribute("href", "/settings/password");
    await device.page.getByRole("link", { name: "Continue" }).click();
    await expect(device.page.getByRole("heading", { name: "Your notes" })).toBeVisible();

    // Shown once: the sign-in after that one goes straight on.
    const again = await newDevice(browser, baseURL!);
    await signInWithForm(again.page, account);
    await expect(again.page).toHaveURL(/\/notes$/);
    await device.context.close();
    await again.context.close();
  });
});

test.describe("signing in", () => {
  test("after too many attempts the form says how long to wait, keeps the email and holds the button with a countdown", async ({ page, servers, apiFor }) => {
    const origin = servers.signInLimit;
    const api = await apiFor("signInLimit");
    const account = await registerAccount(api);
    for (let attempt = 1; attempt <= FAILURES_PER_ACCOUNT_AND_IP; attempt++) {
      const wrong = await api.post("/bff/login", { headers: { "X-CSRF": "1", Origin: origin }, data: { email: account.email, password: generatePassword() } });
      expect(wrong.status(), `wrong password #${attempt}`).toBe(401);
    }

    // The right password now: refused by the limit, with the time to wait.
    await signInWithForm(page, account, origin);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Too many attempts. Try again in 15 minutes.");
    await expect(page.getByLabel("Email")).toHaveValue(account.email);
    const button = page.getByRole("button", { name: "Sign in" });
    await expect(button).toBeDisabled();
    const countdown = page.locator("#sign-in-wait");
    await expect(countdown).toHaveText(/^You can sign in again in 1[45]:\d\d\.$/);
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first!, { timeout: 3_000 });
    await expect(page).toHaveURL(/\/login/);
  });

  test("without JavaScript the form still says how long to wait", async ({ browser, servers, apiFor }) => {
    const origin = servers.signInLimit;
    const api = await apiFor("signInLimit");
    const account = await registerAccount(api);
    for (let attempt = 1; attempt <= FAILURES_PER_ACCOUNT_AND_IP; attempt++) {
      await api.post("/bff/login", { headers: { "X-CSRF": "1", Origin: origin }, data: { email: account.email, password: generatePassword() } });
    }
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await signInWithForm(page, account, origin);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/^Too many attempts\. Try again in 1[45] minutes\.$/);
    await expect(page.getByLabel("Email")).toHaveValue(account.email);
    await context.close();
  });

  test("a fresh visitor's sign-in page logs no error, and a signed-in visitor arriving from another site goes on", async ({ browser, baseURL, request }) => {
    const errors: string[] = [];
    const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);

    // Signed in, then a link on another site: the SameSite=Strict cookie stays behind on that
    // navigation, and the page's own same-origin check finds the session.
    const account = await registerAccount(request);
    await signInWithForm(page, account);
    await expect(page).toHaveURL(/\/notes$/);
    await page.route("http://elsewhere.test/", (route) =>
      route.fulfill({ contentType: "text/html", body: `<a href="${baseURL}/login?returnTo=%2Fsettings">Open Keyhole</a>` }),
    );
    await page.goto("http://elsewhere.test/");
    await page.getByRole("link", { name: "Open Keyhole" }).click();
    await expect(page).toHaveURL(`${baseURL}/settings`);
    expect(errors).toEqual([]);
    await context.close();
  });
});

test.describe("another address than APP_ORIGIN", () => {
  /** The same server under another name: localhost for 127.0.0.1 (a different origin, and site). */
  const otherAddress = (origin: string) => origin.replace("127.0.0.1", "localhost");

  test("a page opened there says which address to open, with a link to the same page there", async ({ page, baseURL }) => {
    const response = await page.goto(`${otherAddress(baseURL!)}/login?returnTo=%2Fnotes`);
    expect(response!.status()).toBe(421);
    await expect(page.getByRole("heading", { name: "Open Keyhole at its own address" })).toBeVisible();
    const link = page.getByRole("link", { name: `Continue at ${baseURL}/login?returnTo=%2Fnotes` });
    await link.click();
    await expect(page).toHaveURL(`${baseURL}/login?returnTo=%2Fnotes`);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });

  test("signing in on a form loaded there ends on that page, not on a crash", async ({ page, baseURL, request }) => {
    const account = await registerAccount(request);
    const wrongLogin = `${otherAddress(baseURL!)}/login`;
    // The form as it was served before this check existed (or from a cache): the real page's HTML at the other address.
    await page.route(wrongLogin, async (route) => route.fulfill({ response: await route.fetch({ url: `${baseURL}/login` }) }), { times: 1 });
    await page.goto(wrongLogin);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Open Keyhole at its own address" })).toBeVisible();
    await expect(page.getByRole("link", { name: `Continue at ${baseURL}/login` })).toBeVisible();
    await expect(page.getByText("Application error")).toHaveCount(0);
  });
});

test.describe("creating an account", () => {
  test("every field's problem shows at once, and nothing typed is lost, the password included", async ({ page, request }) => {
    await page.goto("/register");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Please correct the fields below.");
    for (const label of ["Name", "Email", "Password"]) {
      await expect(page.getByLabel(label, { exact: true })).toHaveAttribute("aria-invalid", "true");
    }

    await page.getByLabel("Name", { exact: true }).fill("Ada");
    await page.getByLabel("Email", { exact: true }).fill("not-an-email");
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Must be a valid email address")).toBeVisible();
    await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Ada");
    await expect(page.getByLabel("Email", { exact: true })).toHaveValue("not-an-email");
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue("short");

    // A problem only the API finds (a taken email) keeps the password too.
    const existing = await registerAccount(request);
    const password = generatePassword();
    await page.getByLabel("Email", { exact: true }).fill(existing.email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("An account with this email already exists.").first()).toBeVisible();
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue(password);
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Ada");
  });
});
