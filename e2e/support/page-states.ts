/**
 * Every page and state a person can reach, in one list: e2e/accessibility.spec.ts runs axe on
 * each, and e2e/screenshots.spec.ts photographs some. A new page is one line here, e.g.
 *   { name: "profile", path: "/settings/profile" },
 *   { name: "404", path: "/no-such-page", as: "visitor", ready: (page) => page.getByRole("heading", { level: 1 }) },
 */
import { expect, type Locator, type Page } from "@playwright/test";
import { generatePassword, type Account } from "../fixtures";
import type { ServerName } from "../servers";
import { addNote, loginError, submitLoginForm } from "./app-pages";

export interface PageState {
  name: string;
  path: string;
  /** "visitor": no session; "user" (the default): a fresh account, signed in. */
  as?: "visitor" | "user";
  /** Another server from e2e/servers.ts (e.g. `shortIdle` for the idle warning). */
  server?: ServerName;
  /** Brings the page into the state to check, after it loaded. */
  act?: (page: Page, account: Account) => Promise<void>;
  /** What must be on screen before the check (default: the level-1 heading). */
  ready?: (page: Page) => Locator;
}

async function createNotes(page: Page): Promise<void> {
  await addNote(page, "Groceries", "Oat milk, coffee beans, two lemons.");
  await addNote(page, "A long one", Array.from({ length: 14 }, (_, index) => `Line ${index + 1}`).join("\n"));
}

async function fillTokenForm(page: Page, name: string): Promise<void> {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("checkbox", { name: "notes:read" }).check();
}

export const PAGE_STATES: PageState[] = [
  { name: "home, visitor", path: "/", as: "visitor" },
  { name: "home, signed in", path: "/", ready: (page) => page.getByRole("link", { name: "Go to your notes" }) },
  { name: "404", path: "/no-such-page", as: "visitor" },
  { name: "404, signed in", path: "/notes/no-such-page" },
  { name: "login", path: "/login", as: "visitor" },
  {
    name: "login with an error",
    path: "/login",
    as: "visitor",
    act: async (page, account) => {
      await submitLoginForm(page, { email: account.email, password: generatePassword() });
      await expect(loginError(page)).toBeVisible();
    },
  },
  { name: "login after the session ended", path: "/login?returnTo=%2Fnotes&notice=expired", as: "visitor", ready: (page) => page.getByRole("status") },
  { name: "login after a session ended for security", path: "/login?notice=security", as: "visitor", ready: (page) => page.getByRole("status") },
  { name: "login after signing out", path: "/login?notice=signed-out", as: "visitor", ready: (page) => page.getByRole("status") },
  { name: "register", path: "/register", as: "visitor" },
  {
    name: "register with errors",
    path: "/register",
    as: "visitor",
    act: async (page) => {
      await page.getByLabel("Name").fill("Ada Lovelace");
      await page.getByLabel("Email").fill("ada@example");
      await page.getByLabel("Password").fill(generatePassword());
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    },
  },
  { name: "API docs", path: "/docs/api", as: "visitor" },
  { name: "notes, empty", path: "/notes", ready: (page) => page.getByText("No notes yet.") },
  { name: "notes, with notes", path: "/notes", act: createNotes, ready: (page) => page.getByRole("button", { name: "Show more" }) },
  {
    name: "notes, editing and deleting",
    path: "/notes",
    act: async (page) => {
      await createNotes(page);
      await page.getByRole("button", { name: "Edit Groceries" }).click();
      await page.getByRole("form", { name: "Edit Groceries" }).getByLabel("Text").fill("x".repeat(10_050));
      await page.getByRole("button", { name: "Delete A long one" }).click();
    },
    ready: (page) => page.getByRole("button", { name: "Yes, delete" }),
  },
  {
    name: "notes, with the idle warning",
    path: "/notes",
    server: "shortIdle",
    ready: (page) => page.getByRole("alertdialog"),
  },
  { name: "settings, sessions", path: "/settings/sessions", ready: (page) => page.getByText("This device") },
  { name: "settings, tokens", path: "/settings/tokens" },
  {
    name: "settings, tokens with form errors",
    path: "/settings/tokens",
    act: async (page) => {
      await page.getByRole("button", { name: "Create token" }).click();
      await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    },
  },
  {
    name: "settings, tokens with a created token shown",
    path: "/settings/tokens",
    act: async (page) => {
      await fillTokenForm(page, "Nightly backup");
      await page.getByRole("button", { name: "Create token" }).click();
      await expect(page.getByLabel("Your new token")).toBeFocused();
    },
  },
  { name: "settings, activity", path: "/settings/activity", ready: (page) => page.getByText("Signed in").first() },
  { name: "settings, password", path: "/settings/password" },
  { name: "settings, profile", path: "/settings/profile" },
  {
    name: "settings, profile deleting the account",
    path: "/settings/profile",
    act: async (page) => {
      await page.getByRole("button", { name: "Delete account…" }).click();
    },
    ready: (page) => page.getByRole("button", { name: "Delete my account" }),
  },
];
