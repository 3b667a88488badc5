/**
 * Full-page screenshots of the main screens at a desktop and a phone width, for a person to look
 * at (e2e/screenshots/, git-ignored): sign-in (plain and with its error), registration with a
 * field error, notes with a few notes, the devices and tokens settings, and the API reference.
 * Each state is asserted before it is captured, so a screenshot never shows a half-loaded page.
 *
 * KEYHOLE_DOCS_SCREENSHOTS=1 also writes the README's pictures (docs/screenshots/: login, notes,
 * settings/sessions and settings/tokens, cropped to the viewport to stay small).
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, generatePassword, registerAccount, SIGNED_OUT, signInContext, test } from "./fixtures";
import { expectSignedInAs, loginError, noteTitles, submitLoginForm } from "./support/app-pages";

const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "screenshots");
const DOCS_SCREENSHOT_DIR = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const DOCS_SCREENSHOTS = new Set(["login", "notes", "settings-sessions", "settings-tokens"]);
const WRITE_DOCS_SCREENSHOTS = process.env.KEYHOLE_DOCS_SCREENSHOTS === "1";
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

const NOTES = [
  { title: "Groceries", body: "Oat milk, coffee beans, two lemons, bread from the corner bakery." },
  {
    title: "A rather long note title that keeps going to see how the layout wraps it on a narrow screen",
    body: "Line one.\nLine two, after a line break.\n\nA paragraph with a long URL: https://example.com/a/very/long/path/that/does/not/break/easily/at/all",
  },
  { title: "Call the bank", body: "" },
];

async function capture(page: Page, name: string, viewportName: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${viewportName}.png`), fullPage: true, animations: "disabled" });
  if (WRITE_DOCS_SCREENSHOTS && DOCS_SCREENSHOTS.has(name)) {
    fs.mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
    // The caret blinks: hidden, so the same page gives the same picture.
    await page.screenshot({ path: path.join(DOCS_SCREENSHOT_DIR, `${name}-${viewportName}.png`), animations: "disabled", caret: "hide" });
  }
}

for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(`at ${viewportName} width`, () => {
    test.use({ viewport, storageState: SIGNED_OUT });

    test(`screenshots of sign-in, registration, notes and the API reference (${viewportName})`, async ({ page, context, baseURL, request }) => {
      const account = await registerAccount(request, { name: "Ada Lovelace-Byron" });

      await page.goto("/login");
      await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
      await capture(page, "login", viewportName);

      await submitLoginForm(page, { email: account.email, password: generatePassword() });
      await expect(loginError(page)).toBeVisible();
      await capture(page, "login-error", viewportName);

      // An address the browser's type=email accepts but the server's schema does not: a field
      // error without counting against the registration limit.
      await page.goto("/register");
      await page.getByLabel("Name").fill("Ada Lovelace");
      await page.getByLabel("Email").fill("ada@example");
      await page.getByLabel("Password").fill(generatePassword());
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
      await capture(page, "register-error", viewportName);

      await signInContext(context, baseURL!, account);
      for (const note of NOTES) {
        const created = await page.request.post("/bff/api/notes", { headers: { "X-CSRF": "1", Origin: baseURL! }, data: note });
        expect(created.status()).toBe(201);
      }
      await page.goto("/notes");
      await expectSignedInAs(page, "Ada Lovelace-Byron");
      await expect(noteTitles(page)).toHaveCount(NOTES.length);
      await capture(page, "notes", viewportName);

      await page.goto("/settings/sessions");
      await expect(page.getByText("This device")).toBeVisible();
      await capture(page, "settings-sessions", viewportName);

      await page.goto("/settings/tokens");
      await page.getByLabel("Name", { exact: true }).fill("Nightly backup");
      await page.getByRole("checkbox", { name: "notes:read" }).check();
      await page.getByRole("button", { name: "Create token" }).click();
      await expect(page.getByLabel("Your new token")).toBeFocused();
      await page.getByRole("button", { name: "Done, hide the token" }).click();
      await expect(page.getByRole("list", { name: "Tokens" }).getByRole("heading", { name: "Nightly backup" })).toBeVisible();
      await page.evaluate(() => window.scrollTo(0, 0));
      await capture(page, "settings-tokens", viewportName);

      await page.goto("/docs/api");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await capture(page, "docs-api", viewportName);
    });
  });
}
