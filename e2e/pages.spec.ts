/**
 * What people see around the app: the first page, the 404 and error pages, the profile page
 * (display name, account deletion), the password form's "same password" answer, the activity
 * log's wording, and the settings tab bar's focus ring. Screenshots go to e2e/screenshots/.
 * Each test makes its own users; none uses the shared signed-in state.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, registerAccount, requestToken, SIGNED_OUT, signInContext, test, type Account } from "./fixtures";
import { bffHeaders, cleanContext, cookieHeader, signInBff } from "./security/support/attacker";
import { GENERIC_LOGIN_ERROR, loginError, submitLoginForm } from "./support/app-pages";

test.use({ storageState: SIGNED_OUT });

const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");
const LAYOUTS = [
  { label: "desktop", viewport: { width: 1280, height: 800 }, isMobile: false },
  { label: "phone", viewport: { width: 390, height: 844 }, isMobile: true },
] as const;
const FIREFOX_ON_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0";

async function screenshots(browser: Browser, baseURL: string, name: string, visit: (page: Page) => Promise<void>, account?: Account) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const layout of LAYOUTS) {
    const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT, viewport: layout.viewport, isMobile: layout.isMobile, hasTouch: layout.isMobile });
    if (account) await signInContext(context, baseURL, account);
    const page = await context.newPage();
    await visit(page);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${layout.label}.png`), fullPage: true });
    await context.close();
  }
}

async function signedInPage(browser: Browser, baseURL: string, account: Account, userAgent?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT, ...(userAgent ? { userAgent } : {}) });
  await signInContext(context, baseURL, account);
  return { context, page: await context.newPage() };
}

test.describe("the first page", () => {
  test("says what Keyhole is and leads a visitor to sign in or register", async ({ page, browser, baseURL }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(`${baseURL}/`);
    await expect(page).toHaveTitle(/Keyhole/);
    const main = page.getByRole("main");
    await expect(main.getByRole("heading", { level: 1 })).toContainText("without tokens in the browser");
    await expect(main).toContainText("keeps their access and refresh tokens on the server");
    // The logo is not a link on the page it would link to.
    await expect(page.getByRole("link", { name: "Keyhole" })).toHaveCount(0);
    await expect(page.getByText("Keyhole", { exact: true })).toBeVisible();

    await main.getByRole("link", { name: "Create an account" }).click();
    await expect(page).toHaveURL(/\/register$/);
    await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
    // From the sign-in and registration pages, the logo leads to the first page.
    await page.getByRole("link", { name: "Keyhole" }).click();
    await expect(page).toHaveURL(`${baseURL}/`);
    await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("link", { name: "Keyhole" })).toHaveAttribute("href", "/");

    await screenshots(browser, baseURL!, "landing", async (shot) => {
      await shot.goto("/");
    });
  });

  test("a signed-in visitor can read it too, with a way to their notes; the logo never links to its own page", async ({ request, browser, baseURL }) => {
    const account = await registerAccount(request);
    const { context, page } = await signedInPage(browser, baseURL!, account);
    await page.goto("/");
    await expect(page).toHaveURL(`${baseURL}/`);
    await expect(page.getByRole("link", { name: "Sign in" })).toHaveCount(0);
    await page.getByRole("main").getByRole("link", { name: "Go to your notes" }).click();
    await expect(page).toHaveURL(/\/notes$/);
    await expect(page.getByRole("heading", { name: "Your notes" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Keyhole" })).toHaveCount(0);
    await page.goto("/settings/profile");
    await page.getByRole("link", { name: "Keyhole" }).click();
    await expect(page).toHaveURL(/\/notes$/);
    await context.close();
  });
});

test.describe("pages that are not there or fail", () => {
  test("an unknown address answers 404 with a branded page and a way home", async ({ page, baseURL, browser }) => {
    const response = await page.goto("/no-such-page/at-all");
    expect(response?.status()).toBe(404);
    await expect(page).toHaveTitle(/Page not found/);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    const body = await page.locator("body").innerText();
    expect(body).not.toMatch(/\bat .+:\d+:\d+|node_modules|Error:/);
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await expect(page).toHaveURL(`${baseURL}/`);

    await screenshots(browser, baseURL!, "not-found", async (shot) => {
      await shot.goto("/no-such-page");
    });
  });

  test("an unknown settings page answers 404 for a signed-in user too", async ({ request, browser, baseURL }) => {
    const account = await registerAccount(request);
    const { context, page } = await signedInPage(browser, baseURL!, account);
    const response = await page.goto("/settings/no-such-section");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await context.close();
  });

  test("a page that throws while rendering shows the error page without details, and Try again recovers", async ({ request, browser, baseURL }) => {
    const account = await registerAccount(request);
    const { context, page } = await signedInPage(browser, baseURL!, account);
    // A malformed answer (a device without dates) makes the devices page throw while rendering,
    // as a bug or an incompatible API would: the production build's error boundary takes over.
    await page.route("**/bff/api/sessions", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ items: [{ id: "x", current: false, createdAt: "not a date" }] }) }),
    );
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto("/settings/sessions");
    const alert = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: "Something went wrong" }) });
    await expect(alert).toBeVisible();
    const body = await page.locator("body").innerText();
    expect(body).not.toMatch(/RangeError|Invalid time value|\bat .+:\d+:\d+|node_modules/);
    await expect(page.getByRole("link", { name: "Go to the home page" })).toBeVisible();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const layout of LAYOUTS) {
      await page.setViewportSize(layout.viewport);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `error-${layout.label}.png`), fullPage: true });
    }

    await page.unroute("**/bff/api/sessions");
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Signed-in devices" })).toBeVisible();
    await context.close();
  });
});

test.describe("profile", () => {
  test("changes the display name, trimmed and validated, and the header follows", async ({ request, browser, baseURL }) => {
    const account = await registerAccount(request, { name: "Ada Lovelace" });
    const { context, page } = await signedInPage(browser, baseURL!, account);
    await page.goto("/settings");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Profile" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Profile" })).toBeVisible();
    await expect(page.getByText(account.email)).toBeVisible();
    const name = page.getByLabel("Display name");
    await expect(name).toHaveValue("Ada Lovelace");
    await expect(name).toHaveAttribute("maxlength", "100");

    await name.fill("   ");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect(name).toBeFocused();
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(name).toHaveAccessibleDescription("Enter a name.");

    await name.fill("  Grace Hopper  ");
    await page.getByRole("button", { name: "Save name" }).click();
    const saved = page.getByRole("status").filter({ hasText: "Your name is now “Grace Hopper”." });
    await expect(saved).toBeVisible();
    await expect(saved).toBeFocused();
    await expect(name).not.toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("navigation", { name: "Account" }).getByText("Grace Hopper", { exact: true })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Display name")).toHaveValue("Grace Hopper");
    // The header is rendered on the server from the session: the BFF updated it with the rename.
    await page.goto("/notes");
    await expect(page.getByRole("navigation", { name: "Account" }).getByText("Grace Hopper", { exact: true })).toBeVisible();

    await screenshots(browser, baseURL!, "settings-profile", async (shot) => {
      await shot.goto("/settings/profile");
      await expect(shot.getByLabel("Display name")).toHaveValue("Grace Hopper");
      await shot.getByRole("button", { name: "Delete account…" }).click();
    }, account);
    await context.close();
  });

  test("deleting the account asks for the email, signs this browser out with a notice and every other device at once", async ({ request, browser, baseURL }) => {
    const account = await registerAccount(request);
    const other = await signedInPage(browser, baseURL!, account, FIREFOX_ON_ANDROID);
    await other.page.goto("/notes");
    await expect(other.page.getByRole("heading", { name: "Your notes" })).toBeVisible();
    const { context, page } = await signedInPage(browser, baseURL!, account);
    await page.goto("/settings/profile");

    const start = page.getByRole("button", { name: "Delete account…" });
    await start.click();
    const confirmation = page.getByLabel(`Type ${account.email} to confirm`);
    await expect(confirmation).toBeFocused();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(start).toBeFocused();

    await start.click();
    await confirmation.fill("someone-else@example.com");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect(confirmation).toBeFocused();
    await expect(confirmation).toHaveAccessibleDescription("Type your email address exactly as shown to confirm.");
    await page.goto("/notes");
    await expect(page.getByRole("heading", { name: "Your notes" })).toBeVisible();

    await page.goto("/settings/profile");
    await page.getByRole("button", { name: "Delete account…" }).click();
    await page.getByLabel(`Type ${account.email} to confirm`).fill(account.email.toUpperCase());
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect(page).toHaveURL(/\/login\?notice=account-deleted$/);
    await expect(page.getByRole("status").filter({ hasText: "Your account was deleted." })).toBeVisible();
    expect((await context.cookies()).find((cookie) => cookie.name === "__Host-keyhole")).toBeUndefined();

    // The other device is out at its next request.
    await other.page.goto("/settings/sessions");
    await expect(other.page).toHaveURL(/\/login\?/);
    // And the account cannot sign in again.
    await page.goto("/login");
    await submitLoginForm(page, account);
    await expect(loginError(page)).toHaveText(GENERIC_LOGIN_ERROR);
    await context.close();
    await other.context.close();
  });

  test("deleting past the re-authentication window asks for the password first", async ({ browser, servers, apiFor }) => {
    const origin = servers.shortReauth;
    const account = await registerAccount(await apiFor("shortReauth"));
    const { context, page } = await signedInPage(browser, origin, account);
    await page.goto("/settings/profile");
    await page.waitForTimeout(3_500);
    await page.getByRole("button", { name: "Delete account…" }).click();
    await page.getByLabel(`Type ${account.email} to confirm`).fill(account.email);
    await page.getByRole("button", { name: "Delete my account" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm your password" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Confirm your password to continue." })).toBeVisible();
    await expect(page).toHaveURL(/\/settings\/profile$/);

    await page.getByRole("button", { name: "Delete my account" }).click();
    await dialog.getByLabel("Password").fill(account.password);
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(page).toHaveURL(/\/login\?notice=account-deleted$/);
    await context.close();
  });
});

test.describe("account deletion through the BFF, as an attacker would try it", () => {
  test("without the anti-forgery header or from another origin it is refused, and the account stays", async ({ request, baseURL }) => {
    const origin = baseURL!;
    const account = await registerAccount(request);
    const cookie = await signInBff(origin, account);
    const client = await cleanContext(origin);
    const forgeries: Record<string, string>[] = [
      cookieHeader(cookie),
      { ...cookieHeader(cookie), Origin: origin },
      { ...cookieHeader(cookie), "X-CSRF": "1", Origin: "https://evil.example" },
      { ...cookieHeader(cookie), "X-CSRF": "1", "Sec-Fetch-Site": "cross-site" },
    ];
    for (const headers of forgeries) {
      const refused = await client.delete("/bff/api/me", { headers });
      expect(refused.status(), JSON.stringify(headers)).toBe(403);
      const renamed = await client.patch("/bff/api/me", { headers, data: { name: "Pwned" } });
      expect(renamed.status(), JSON.stringify(headers)).toBe(403);
    }
    const me = await client.get("/bff/api/me", { headers: cookieHeader(cookie) });
    expect(me.status()).toBe(200);
    expect((await me.json()).user.name).toBe(account.name);

    // The app's own request deletes it; the same cookie is then worth nothing.
    expect((await client.delete("/bff/api/me", { headers: bffHeaders(origin, cookie) })).status()).toBe(204);
    expect((await client.get("/bff/api/me", { headers: cookieHeader(cookie) })).status()).toBe(401);
    expect((await client.delete("/bff/api/me", { headers: bffHeaders(origin, cookie) })).status()).toBe(401);
    await client.dispose();
  });
});

test.describe("password", () => {
  test("the current password as the new one is refused on the new-password field", async ({ request, browser, baseURL }) => {
    const account = await registerAccount(request);
    const { context, page } = await signedInPage(browser, baseURL!, account);
    await page.goto("/settings/password");
    await page.getByLabel("Current password").fill(account.password);
    await page.getByLabel("New password").fill(account.password);
    await page.getByRole("button", { name: "Change password" }).click();
    const field = page.getByLabel("New password");
    await expect(field).toBeFocused();
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveAccessibleDescription(/Choose a password different from your current one\./);
    await expect(page.getByRole("alert").filter({ hasText: "Your password was not changed." })).toBeVisible();
    await context.close();
  });
});

test.describe("activity log", () => {
  test("names the device signed out and the token revoked, and counts failed sign-ins in a row as one line", async ({ request, bffClient, browser, baseURL }) => {
    const account = await registerAccount(request);
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await requestToken(request, bffClient, { grant_type: "password", username: account.email, password: `wrong-${attempt}-password` });
      expect(refused.status()).toBe(400);
    }
    const phone = await signedInPage(browser, baseURL!, account, FIREFOX_ON_ANDROID);
    const { context, page } = await signedInPage(browser, baseURL!, account);

    await page.goto("/settings/tokens");
    await page.getByLabel("Name", { exact: true }).fill("Backup script");
    await page.getByRole("checkbox", { name: "notes:read" }).check();
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("button", { name: "Done, hide the token" }).click();
    await page.getByRole("button", { name: "Revoke Backup script" }).click();
    await page.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(page.getByRole("button", { name: "Revoke Backup script" })).toHaveCount(0);

    await page.goto("/settings/sessions");
    await page.getByRole("button", { name: /^Sign out Firefox 128/ }).click();
    await page.getByRole("button", { name: "Yes, sign out" }).click();
    await expect(page.getByText("You are not signed in anywhere else.")).toBeVisible();

    await page.goto("/settings/activity");
    const log = page.getByRole("list", { name: "Activity, newest first" });
    await expect(log.getByRole("listitem").filter({ hasText: "Device signed out" })).toContainText("Firefox 128 · Mobile · Android 14, signed out from your settings");
    await expect(log.getByRole("listitem").filter({ hasText: "Access token revoked" })).toContainText("“Backup script”");
    const failed = log.getByRole("listitem").filter({ hasText: "failed sign-in attempts" });
    await expect(failed).toHaveCount(1);
    await expect(failed).toContainText("3 failed sign-in attempts");
    await expect(log.getByRole("listitem").filter({ hasText: /Failed sign-in attempt/ })).toHaveCount(0);

    await screenshots(browser, baseURL!, "settings-activity-grouped", async (shot) => {
      await shot.goto("/settings/activity");
      await expect(shot.getByText("3 failed sign-in attempts")).toBeVisible();
    }, account);
    await context.close();
    await phone.context.close();
  });
});

test.describe("settings tab bar", () => {
  test("a focused tab's focus ring is drawn in full, not clipped by the scrolling tab bar", async ({ request, browser, baseURL }) => {
    const account = await registerAccount(request);
    for (const layout of LAYOUTS) {
      const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT, viewport: layout.viewport });
      await signInContext(context, baseURL!, account);
      const page = await context.newPage();
      await page.goto("/settings/sessions");
      const tab = page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Tokens" });
      await tab.focus();
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Tab");
      await expect(tab).toBeFocused();
      const fits = await tab.evaluate((link) => {
        const style = getComputedStyle(link);
        const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
        const ring = link.getBoundingClientRect();
        const clip = link.closest("ul")!.getBoundingClientRect();
        return {
          visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
          inside: ring.top - reach >= clip.top && ring.bottom + reach <= clip.bottom && ring.left - reach >= clip.left && ring.right + reach <= clip.right,
        };
      });
      expect(fits).toEqual({ visible: true, inside: true });
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.getByRole("navigation", { name: "Settings" }).screenshot({ path: path.join(SCREENSHOT_DIR, `settings-tab-focus-${layout.label}.png`) });
      await context.close();
    }
  });
});
