/**
 * Keyboard only: no mouse, no clicks, no fill(); only Tab, Shift+Tab, Enter, Space, Escape and
 * typed text. Sign-in, adding, editing and deleting a note, and the settings pages (switching
 * tabs, creating and revoking a token).
 */
import type { Locator, Page } from "@playwright/test";
import { expect, registerAccount, SIGNED_OUT, signInContext, test } from "./fixtures";
import { noteItem, noteTitles } from "./support/app-pages";

test.use({ storageState: SIGNED_OUT });

/** Presses Tab (or Shift+Tab) until `target` has focus; fails if it takes more than `max` presses. */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 40 } = {}): Promise<void> {
  for (let presses = 0; presses <= max; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`${target} not reached with ${max} presses of ${backwards ? "Shift+Tab" : "Tab"}`);
}

async function expectFocusNotOnBody(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe("BODY");
}

test("signs in with the keyboard alone", async ({ page, request }) => {
  const account = await registerAccount(request);
  await page.goto("/login");
  await tabTo(page, page.getByLabel("Email"));
  await page.keyboard.type(account.email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(account.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/notes$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your notes" })).toBeVisible();
});

test("adds, edits and deletes a note with the keyboard alone", async ({ page, context, baseURL, account }) => {
  await signInContext(context, baseURL!, account);
  await page.goto("/notes");
  const form = page.getByRole("region", { name: "New note" });

  await tabTo(page, form.getByLabel("Title"));
  await page.keyboard.type("Keyboard note");
  await page.keyboard.press("Tab");
  await page.keyboard.type("typed, not clicked");
  await tabTo(page, form.getByLabel("Title"), { backwards: true });
  await tabTo(page, form.getByRole("button", { name: "Add note" }));
  await page.keyboard.press("Enter");
  await expect(noteTitles(page)).toHaveText(["Keyboard note"]);
  await expect(form.getByLabel("Title")).toBeFocused();
  await expect(noteItem(page, "Keyboard note")).toHaveAttribute("aria-busy", "false");

  // Edit, then Escape: nothing changes and focus is back on Edit.
  await tabTo(page, page.getByRole("button", { name: "Edit Keyboard note" }));
  await page.keyboard.press("Enter");
  const editor = page.getByRole("form", { name: "Edit Keyboard note" });
  await expect(editor.getByLabel("Title")).toBeFocused();
  await page.keyboard.type(" (changed?)");
  await page.keyboard.press("Escape");
  await expect(editor).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Edit Keyboard note" })).toBeFocused();

  // Edit and save with Enter: the saved note has focus.
  await page.keyboard.press("Space");
  await expect(editor.getByLabel("Title")).toBeFocused();
  await page.keyboard.type(" edited");
  // Where the caret starts is the browser's choice; the title has the typed words either way.
  const edited = await editor.getByLabel("Title").inputValue();
  expect(edited).toMatch(/edited/);
  await page.keyboard.press("Enter");
  await expect(noteTitles(page)).toHaveText([edited]);
  await expect(noteItem(page, edited)).toBeFocused();

  // Delete: Space asks; Cancel (Tab, Enter) keeps the note; Enter, Enter deletes it.
  await tabTo(page, page.getByRole("button", { name: `Delete ${edited}` }));
  await page.keyboard.press("Space");
  await expect(page.getByRole("button", { name: "Yes, delete" })).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: `Delete ${edited}` })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect(page.getByText("No notes yet.")).toBeVisible();
  await expectFocusNotOnBody(page);
  await page.reload();
  await expect(noteTitles(page)).toHaveCount(0);
});

test("switches settings tabs, creates and revokes a token with the keyboard alone", async ({ page, context, baseURL, account }) => {
  await signInContext(context, baseURL!, account);
  await page.goto("/notes");
  await tabTo(page, page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  const settingsNav = page.getByRole("navigation", { name: "Settings" });
  for (const [link, heading] of [
    ["Activity", "Account activity"],
    ["Password", "Change your password"],
    ["Sessions", "Signed-in devices"],
    ["Tokens", "Personal access tokens"],
  ] as const) {
    await tabTo(page, settingsNav.getByRole("link", { name: link }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  }

  const name = "Keyboard token";
  await tabTo(page, page.getByLabel("Name", { exact: true }));
  await page.keyboard.type(name);
  await tabTo(page, page.getByRole("checkbox", { name: "notes:read" }));
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: "notes:read" })).toBeChecked();
  await tabTo(page, page.getByRole("button", { name: "Create token" }));
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Your new token")).toBeFocused();
  await tabTo(page, page.getByRole("button", { name: "Done, hide the token" }));
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Your new token")).toHaveCount(0);
  // Focus goes to the list that now holds the token, not to <body>.
  await expect(page.getByRole("heading", { name: "Your tokens" })).toBeFocused();

  const item = page.getByRole("list", { name: "Tokens" }).getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
  await tabTo(page, item.getByRole("button", { name: `Revoke ${name}` }));
  await page.keyboard.press("Enter");
  await expect(item.getByRole("button", { name: "Yes, revoke" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(item).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: `Revoked “${name}”.` })).toBeFocused();
});
