/**
 * Sudo mode in the browser: past REAUTH_WINDOW (3 s on the `shortReauth` server) a sensitive
 * action opens a password dialog; the right password lets the same action through, a wrong one
 * says so, and cancelling keeps what the user typed.
 */
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { expect, registerAccount, SIGNED_OUT, test, type Account } from "./fixtures";

const WINDOW_MS = 3_000;

async function signInOn(page: Page, account: Account) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/notes$/);
}

/** A new account signed in on `shortReauth`, on its tokens page, once the window has passed. */
async function staleTokensPage(browser: Browser, origin: string, api: APIRequestContext): Promise<{ page: Page; account: Account }> {
  const account = await registerAccount(api);
  const context = await browser.newContext({ baseURL: origin, storageState: SIGNED_OUT });
  const page = await context.newPage();
  await signInOn(page, account);
  await page.goto("/settings/tokens");
  await page.waitForTimeout(WINDOW_MS + 500);
  return { page, account };
}

async function fillTokenForm(page: Page, name: string) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("checkbox", { name: "notes:read" }).check();
  await page.getByLabel("Expires", { exact: true }).selectOption({ label: "In 30 days" });
  await page.getByRole("button", { name: "Create token" }).click();
}

test.describe("re-authentication", () => {
  test("creating a token after the window asks for the password, then creates it", async ({ browser, servers, apiFor }, testInfo) => {
    const { page, account } = await staleTokensPage(browser, servers.shortReauth, await apiFor("shortReauth"));

    await fillTokenForm(page, "deploy script");
    const dialog = page.getByRole("dialog", { name: "Confirm your password" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Password")).toBeFocused();
    await page.screenshot({ path: testInfo.outputPath("reauth-dialog.png") });

    await dialog.getByLabel("Password").fill("not-my-password-at-all");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog.getByText("This is not your password.")).toBeVisible();
    await expect(dialog).toBeVisible();

    await dialog.getByLabel("Password").fill(account.password);
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByLabel("Your new token")).toHaveValue(/^khp_/);
    await page.screenshot({ path: testInfo.outputPath("reauth-token-created.png") });
    await page.context().close();
  });

  test("cancelling the dialog refuses the action and keeps the form as typed", async ({ browser, servers, apiFor }) => {
    const { page } = await staleTokensPage(browser, servers.shortReauth, await apiFor("shortReauth"));

    await fillTokenForm(page, "kept name");
    const dialog = page.getByRole("dialog", { name: "Confirm your password" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("alert").filter({ hasText: "Confirm your password to continue." })).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("kept name");
    await expect(page.getByLabel("Your new token")).toHaveCount(0);
    await page.context().close();
  });
});
