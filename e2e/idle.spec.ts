/**
 * Idle timeout and tabs (against the `shortIdle` server: SESSION_IDLE_TIMEOUT=15s, so the
 * warning shows 5 s before the deadline): the warning, "Stay signed in", the sign-out at the
 * deadline, and tabs that share sign-outs and activity.
 */
import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { expect, registerAccount, test } from "./fixtures";

test.use({ storageState: { cookies: [], origins: [] } });

async function signInOn(page: Page, origin: string, account: { email: string; password: string }) {
  await page.goto(`${origin}/login?returnTo=%2Fnotes`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${origin}/notes`);
}

/** Signs a new account in on `page` and opens its notes in a second tab of the same browser; returns that tab. */
async function signInTwoTabs(page: Page, context: BrowserContext, origin: string, api: APIRequestContext): Promise<Page> {
  await signInOn(page, origin, await registerAccount(api));
  const other = await context.newPage();
  await other.goto(`${origin}/notes`);
  await expect(other.getByRole("heading", { name: "Your notes" })).toBeVisible();
  return other;
}

test("the idle warning appears in every tab, and Stay signed in in one tab dismisses it in all", async ({ page, context, servers, apiFor }) => {
  const origin = servers.shortIdle;
  const other = await signInTwoTabs(page, context, origin, await apiFor("shortIdle"));

  for (const tab of [page, other]) {
    await expect(tab.getByRole("alertdialog")).toContainText(/You will be signed out in 0:0\d/, { timeout: 20_000 });
  }
  await page.getByRole("button", { name: "Stay signed in" }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(other.getByRole("alertdialog")).toHaveCount(0, { timeout: 5_000 });
  // Still signed in after the original deadline (15 s from sign-in) has passed.
  await page.waitForTimeout(6_000);
  expect((await page.request.get(`${origin}/bff/session?extend=false`)).status()).toBe(200);
});

test("an idle session ends at the deadline and the user lands on the login page with a message", async ({ page, servers, apiFor }) => {
  const origin = servers.shortIdle;
  const account = await registerAccount(await apiFor("shortIdle"));
  await signInOn(page, origin, account);
  await page.waitForURL(/\/login\?returnTo=%2Fnotes&notice=idle$/, { timeout: 25_000 });
  await expect(page.getByRole("status")).toHaveText("Warning: You were signed out because you were inactive for a while. Please sign in again.");
  await expect(page.getByRole("status")).toHaveClass(/alert-warning/);
  expect((await page.request.get(`${origin}/bff/session?extend=false`)).status()).toBe(401);
});

test("the idle warning leaves the focus in the field being typed in", async ({ page, servers, apiFor }) => {
  const origin = servers.shortIdle;
  await signInOn(page, origin, await registerAccount(await apiFor("shortIdle")));
  const title = page.getByLabel("Title");
  await title.focus();
  await expect(page.getByRole("alertdialog")).toBeVisible({ timeout: 20_000 });
  await expect(title).toBeFocused();
  await expect(page.getByRole("button", { name: "Stay signed in" })).not.toBeFocused();
});

test("typing in a field is activity: the session outlives its idle timeout while the user types", async ({ page, servers, apiFor }) => {
  test.setTimeout(60_000);
  const origin = servers.shortIdle;
  await signInOn(page, origin, await registerAccount(await apiFor("shortIdle")));
  const title = page.getByLabel("Title");
  await title.focus();
  // 24 s of typing, a key every 1.5 s, no other request: well past the 15 s timeout.
  for (let key = 0; key < 16; key++) {
    await page.keyboard.type("a");
    await page.waitForTimeout(1_500);
  }
  await expect(page).toHaveURL(`${origin}/notes`);
  await expect(title).toHaveValue("a".repeat(16));
  expect((await page.request.get(`${origin}/bff/session?extend=false`)).status()).toBe(200);
});

test("signing out in one tab signs out the others", async ({ page, context, servers, apiFor }) => {
  const origin = servers.shortIdle;
  const other = await signInTwoTabs(page, context, origin, await apiFor("shortIdle"));

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${origin}/login?notice=signed-out`);
  await other.waitForURL(`${origin}/login?notice=signed-out`, { timeout: 3_000 });
  await expect(other.getByRole("status")).toHaveText("You have signed out.");
});
