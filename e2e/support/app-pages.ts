/**
 * Page helpers shared by the browser specs (app, session, invariants, screenshots): the login
 * form, the notes page, and a way to hold one BFF request in flight to watch the optimistic UI.
 */
import { expect, type Locator, type Page, type Response } from "@playwright/test";
import type { Account } from "../fixtures";

/** The one sign-in error the UI shows, whatever went wrong (the user-facing contract). */
export const GENERIC_LOGIN_ERROR = "The email or password is incorrect.";

/** Fills and submits the sign-in form on the current page (which must be /login). */
export async function submitLoginForm(page: Page, credentials: Pick<Account, "email" | "password">): Promise<void> {
  await page.getByLabel("Email").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The alert holding the generic sign-in error (Next.js has its own, empty, route-announcer alert). */
export function loginError(page: Page): Locator {
  return page.getByRole("alert").filter({ hasText: GENERIC_LOGIN_ERROR });
}

/** The titles of the notes listed, newest first. */
export function noteTitles(page: Page): Locator {
  return page.getByRole("list", { name: "Notes" }).getByRole("heading", { level: 3 });
}

export function noteItem(page: Page, title: string): Locator {
  return page.getByRole("list", { name: "Notes" }).getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3, name: title, exact: true }) });
}

/**
 * Adds a note with the "New note" form and waits for the BFF's answer, and on success for the
 * form to be emptied (as a user would before typing the next one: the app empties it only when
 * the answer arrives, see the "typed while the previous note is saving" test); returns the answer.
 */
export async function addNote(page: Page, title: string, body = ""): Promise<Response> {
  const form = page.getByRole("region", { name: "New note" });
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Text").fill(body);
  const answered = page.waitForResponse((response) => isNotesCollection(response.url()) && response.request().method() === "POST");
  await form.getByRole("button", { name: "Add note" }).click();
  const response = await answered;
  if (response.ok()) await expect(form.getByLabel("Title")).toHaveValue("");
  return response;
}

export function isNotesCollection(url: string): boolean {
  return new URL(url).pathname === "/bff/api/notes";
}

export function isNotesPath(url: string): boolean {
  return new URL(url).pathname.startsWith("/bff/api/notes");
}

/**
 * Holds the next request with this method whose URL matches until `release()` is called, so a
 * test can look at the page while the server has not answered yet. (The route stays, passing
 * everything else on: unrouting while other requests pass through it makes Playwright complain.)
 */
export async function holdNextRequest(page: Page, method: string, matches: (url: string) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  let taken = false;
  const predicate = (url: URL) => matches(url.toString());
  await page.route(predicate, async (route) => {
    if (taken || route.request().method() !== method) return route.fallback();
    taken = true;
    arrived();
    await released;
    await route.continue();
  });
  return {
    /** Resolves once the request has been sent (and is being held). */
    held,
    /** Lets the request go on to the server and returns its response. */
    async release(): Promise<Response> {
      const answered = page.waitForResponse((response) => matches(response.url()) && response.request().method() === method);
      release();
      return answered;
    },
  };
}

/** The signed-in header: the user's name and the sign-out button. */
export async function expectSignedInAs(page: Page, name: string): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Account" });
  await expect(nav.getByText(name, { exact: true })).toBeVisible();
  await expect(nav.getByRole("button", { name: "Sign out" })).toBeVisible();
}
