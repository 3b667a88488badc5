/**
 * The notes page as a person uses it: a note typed when the session ends survives the sign-in,
 * deleting asks first and focus lands somewhere sensible, changes are announced, the notes are in
 * the server's HTML, long notes collapse, the length limit is visible, and dates read alike.
 */
import type { Page } from "@playwright/test";
import { bearer, expect, registerAccount, SIGNED_OUT, signInContext, test, type Account } from "./fixtures";
import { addNote, expectSignedInAs, noteItem, noteTitles, submitLoginForm } from "./support/app-pages";

test.use({ storageState: SIGNED_OUT });

async function createNotes(page: Page, baseURL: string, notes: { title: string; body?: string }[]): Promise<void> {
  // Oldest first, so the list (newest first) shows them in reverse.
  for (const note of notes) {
    const created = await page.request.post("/bff/api/notes", { headers: { "X-CSRF": "1", Origin: baseURL }, data: note });
    expect(created.status()).toBe(201);
  }
}

async function signInOnLoginPage(page: Page, account: Pick<Account, "email" | "password">): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await submitLoginForm(page, account);
  await expect(page).toHaveURL(/\/notes$/);
}

test.describe("unsaved work", () => {
  test("a new note typed when the session ends is offered back after signing in again, and Restore puts it back", async ({ page, context, baseURL, request, account, tokens }) => {
    await signInContext(context, baseURL!, account);
    await page.goto("/notes");
    const form = page.getByRole("region", { name: "New note" });
    await form.getByLabel("Title").fill("Half-written thought");
    await form.getByLabel("Text").fill("It was the best of times,\nit was the");

    // Signed out from elsewhere (another device signs out every other session).
    const revoked = await request.delete("/api/v1/sessions?others=true", { headers: bearer(tokens.access_token) });
    expect(revoked.status()).toBeLessThan(300);
    await form.getByRole("button", { name: "Add note" }).click();
    await expect(page).toHaveURL(/\/login\?returnTo=%2Fnotes&notice=signed-out-elsewhere$/);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain("Half-written");

    await signInOnLoginPage(page, account);
    const offer = page.getByRole("region", { name: "Unsaved note" });
    await expect(offer).toContainText("You have an unsaved note from before you were signed out.");
    await expect(form.getByLabel("Title")).toHaveValue("");
    await offer.getByRole("button", { name: "Restore" }).click();
    await expect(offer).toHaveCount(0);
    await expect(form.getByLabel("Title")).toHaveValue("Half-written thought");
    await expect(form.getByLabel("Title")).toBeFocused();
    await expect(form.getByLabel("Text")).toHaveValue("It was the best of times,\nit was the");

    await form.getByLabel("Text").fill("It was the best of times, it was the worst of times.");
    await form.getByRole("button", { name: "Add note" }).click();
    await expect(noteTitles(page)).toHaveText(["Half-written thought"]);
    await page.reload();
    await expect(noteTitles(page)).toHaveText(["Half-written thought"]);
    await expect(page.getByRole("region", { name: "Unsaved note" })).toHaveCount(0);
  });

  test("an edit in progress when the session ends comes back in its note's editor, and Esc then forgets it", async ({ page, context, baseURL, request, account, tokens }) => {
    await signInContext(context, baseURL!, account);
    await createNotes(page, baseURL!, [{ title: "Shopping", body: "milk" }]);
    await page.goto("/notes");
    await page.getByRole("button", { name: "Edit Shopping" }).click();
    const editor = page.getByRole("form", { name: "Edit Shopping" });
    await editor.getByLabel("Text").fill("milk, eggs, flour");

    await request.delete("/api/v1/sessions?others=true", { headers: bearer(tokens.access_token) });
    await editor.getByRole("button", { name: "Save" }).click();
    await signInOnLoginPage(page, account);

    await page.getByRole("region", { name: "Unsaved note" }).getByRole("button", { name: "Restore" }).click();
    await expect(page.getByRole("form", { name: "Edit Shopping" }).getByLabel("Text")).toHaveValue("milk, eggs, flour");
    await expect(page.getByRole("form", { name: "Edit Shopping" }).getByLabel("Title")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("form", { name: "Edit Shopping" })).toHaveCount(0);
    await expect(noteItem(page, "Shopping")).toContainText("milk");
    await expect(noteItem(page, "Shopping")).not.toContainText("eggs");
    await page.reload();
    await expect(page.getByRole("region", { name: "Unsaved note" })).toHaveCount(0);
  });

  test("a note typed before going to Settings is simply back in the form afterwards, without the question", async ({ page, context, baseURL, account }) => {
    await signInContext(context, baseURL!, account);
    await page.goto("/notes");
    const form = page.getByRole("region", { name: "New note" });
    await form.getByLabel("Title").fill("Still mine");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("navigation", { name: "Settings" })).toBeVisible();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notes" }).click();
    await expect(form.getByLabel("Title")).toHaveValue("Still mine");
    await expect(page.getByRole("region", { name: "Unsaved note" })).toHaveCount(0);
    await page.reload();
    await expect(form.getByLabel("Title")).toHaveValue("Still mine");
    await expect(page.getByRole("region", { name: "Unsaved note" })).toHaveCount(0);
  });

  test("another user signing in on the same tab is never offered the first user's draft", async ({ page, context, baseURL, request, account, tokens }) => {
    const other = await registerAccount(request, { name: "Someone Else" });
    await signInContext(context, baseURL!, account);
    await page.goto("/notes");
    await page.getByRole("region", { name: "New note" }).getByLabel("Title").fill("Private to the first user");
    await request.delete("/api/v1/sessions?others=true", { headers: bearer(tokens.access_token) });
    await page.getByRole("region", { name: "New note" }).getByRole("button", { name: "Add note" }).click();

    await signInOnLoginPage(page, other);
    await expectSignedInAs(page, "Someone Else");
    await expect(page.getByRole("region", { name: "Unsaved note" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "New note" }).getByLabel("Title")).toHaveValue("");
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain("Private to the first user");
  });

  test("a draft survives the idle sign-out (the warning was up while typing)", async ({ page, servers, apiFor }) => {
    test.slow();
    const origin = servers.shortIdle;
    const account = await registerAccount(await apiFor("shortIdle"));
    await page.goto(`${origin}/login?returnTo=%2Fnotes`);
    await submitLoginForm(page, account);
    await page.waitForURL(`${origin}/notes`);
    await expect(page.getByRole("alertdialog")).toBeVisible({ timeout: 20_000 });
    // Typing is not a request: the session still ends at its deadline.
    await page.getByRole("region", { name: "New note" }).getByLabel("Title").fill("Typed during the warning");
    await page.waitForURL(/\/login\?returnTo=%2Fnotes&notice=idle$/, { timeout: 25_000 });

    await submitLoginForm(page, account);
    await page.waitForURL(`${origin}/notes`);
    await page.getByRole("region", { name: "Unsaved note" }).getByRole("button", { name: "Restore" }).click();
    await expect(page.getByRole("region", { name: "New note" }).getByLabel("Title")).toHaveValue("Typed during the warning");
  });
});

test.describe("notes", () => {
  test("deleting asks first; focus moves to the next note, then the list; adds and deletes are announced", async ({ page, context, baseURL, account }) => {
    await signInContext(context, baseURL!, account);
    await createNotes(page, baseURL!, [{ title: "Third" }, { title: "Second" }]);
    await page.goto("/notes");
    const live = page.getByRole("status").filter({ hasText: /Note/ });

    expect((await addNote(page, "First", "new")).status()).toBe(201);
    await expect(live).toHaveText("Note “First” added.");
    await expect(page.getByRole("region", { name: "New note" }).getByLabel("Title")).toBeFocused();

    await page.getByRole("button", { name: "Delete First" }).click();
    const confirm = noteItem(page, "First").getByRole("group", { name: "Delete First?" });
    await expect(confirm.getByRole("button", { name: "Yes, delete" })).toBeFocused();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("button", { name: "Delete First" })).toBeFocused();
    await expect(noteTitles(page)).toHaveText(["First", "Second", "Third"]);

    await page.getByRole("button", { name: "Delete First" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await expect(noteTitles(page)).toHaveText(["Second", "Third"]);
    await expect(noteItem(page, "Second")).toBeFocused();
    await expect(live).toHaveText("Note “First” deleted.");

    await page.getByRole("button", { name: "Delete Third" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await expect(noteItem(page, "Second")).toBeFocused();
    await page.getByRole("button", { name: "Delete Second" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await expect(page.getByText("No notes yet.")).toBeVisible();
    await expect(page.getByRole("heading", { name: "All notes" })).toBeFocused();
    await page.reload();
    await expect(noteTitles(page)).toHaveCount(0);
  });

  test("saving an edit focuses the saved note; Esc and Cancel leave the editor with focus on Edit", async ({ page, context, baseURL, account }) => {
    await signInContext(context, baseURL!, account);
    await createNotes(page, baseURL!, [{ title: "Draft plan", body: "step one" }]);
    await page.goto("/notes");

    await page.getByRole("button", { name: "Edit Draft plan" }).click();
    await page.getByRole("form", { name: "Edit Draft plan" }).getByLabel("Text").fill("step one, step two");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("form", { name: "Edit Draft plan" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Edit Draft plan" })).toBeFocused();
    await expect(noteItem(page, "Draft plan")).not.toContainText("step two");

    await page.getByRole("button", { name: "Edit Draft plan" }).click();
    await page.getByRole("form", { name: "Edit Draft plan" }).getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("button", { name: "Edit Draft plan" })).toBeFocused();

    await page.getByRole("button", { name: "Edit Draft plan" }).click();
    await page.getByRole("form", { name: "Edit Draft plan" }).getByLabel("Title").fill("Final plan");
    await page.getByRole("form", { name: "Edit Draft plan" }).getByRole("button", { name: "Save" }).click();
    await expect(noteItem(page, "Final plan")).toBeFocused();
    await expect(page.getByRole("status").filter({ hasText: /Note/ })).toHaveText("Note “Final plan” saved.");
    await expect(noteItem(page, "Final plan").locator(".note-meta")).toContainText("Updated");
  });

  test("the notes are in the server's HTML: readable without JavaScript, with no loading line", async ({ browser, baseURL, account }) => {
    const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT, javaScriptEnabled: false });
    try {
      await signInContext(context, baseURL!, account);
      const page = await context.newPage();
      await createNotes(page, baseURL!, [{ title: "Server rendered", body: "no script needed" }]);
      const response = await page.goto("/notes");
      const html = await response!.text();
      expect(html).toContain("Server rendered");
      expect(html).not.toContain("Loading your notes");
      await expect(noteTitles(page)).toHaveText(["Server rendered"]);
      await expect(noteItem(page, "Server rendered")).toContainText("no script needed");
      await expect(noteItem(page, "Server rendered").locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
    } finally {
      await context.close();
    }
  });

  test("with JavaScript the first paint already lists the notes, and the page hydrates without errors in another time zone", async ({ browser, baseURL, account }) => {
    // A time zone far from the server's: absolute times would differ between the two renders.
    const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT, timezoneId: "Pacific/Kiritimati", locale: "en-US" });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await signInContext(context, baseURL!, account);
    await createNotes(page, baseURL!, [{ title: "Already there" }]);
    let listRequests = 0;
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/bff/api/notes" && request.method() === "GET") listRequests += 1;
    });
    await page.goto("/notes", { waitUntil: "commit" });
    await expect(noteTitles(page)).toHaveText(["Already there"]);
    await page.waitForLoadState("networkidle");
    await expect(page.getByText("Loading your notes")).toHaveCount(0);
    // Relative after hydration; the absolute time stays in the title.
    await expect(noteItem(page, "Already there").locator("time")).toHaveText(/just now|minute/);
    await expect(noteItem(page, "Already there").locator("time")).toHaveAttribute("title", /\d/);
    await expect(noteItem(page, "Already there").locator(".note-meta")).toHaveText(/^Added /);
    expect(listRequests, "the browser did not fetch the list again").toBe(0);
    // In production React reports a hydration mismatch only as "Minified React error #418".
    expect(errors).toEqual([]);
    await context.close();
  });

  test("a long note collapses behind Show more / Show less", async ({ page, context, baseURL, account }) => {
    await signInContext(context, baseURL!, account);
    const lines = Array.from({ length: 20 }, (_, index) => `Line ${index + 1} of a long note.`);
    await createNotes(page, baseURL!, [{ title: "Long one", body: lines.join("\n") }, { title: "Short one", body: "brief" }]);
    await page.goto("/notes");
    const long = noteItem(page, "Long one");
    const toggle = long.getByRole("button", { name: "Show more" });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(long.getByText("Line 20 of a long note.")).not.toBeInViewport();
    const collapsedHeight = (await long.boundingBox())!.height;
    await toggle.click();
    await expect(long.getByRole("button", { name: "Show less" })).toHaveAttribute("aria-expanded", "true");
    expect((await long.boundingBox())!.height).toBeGreaterThan(collapsedHeight + 100);
    await long.getByRole("button", { name: "Show less" }).click();
    await expect(long.getByRole("button", { name: "Show more" })).toHaveAttribute("aria-expanded", "false");
    await expect(noteItem(page, "Short one").getByRole("button", { name: /Show/ })).toHaveCount(0);
  });

  test("a counter appears near the limit, and a paste past it is kept whole with a message instead of being cut", async ({ page, context, baseURL, account }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signInContext(context, baseURL!, account);
    await page.goto("/notes");
    const form = page.getByRole("region", { name: "New note" });
    const text = form.getByLabel("Text");
    await text.fill("x".repeat(8_999));
    await expect(form.getByText("/ 10,000")).toHaveCount(0);
    await text.fill("x".repeat(9_412));
    await expect(form.getByText("9,412 / 10,000")).toBeVisible();
    await expect(text).toHaveAccessibleDescription(/9,412 \/ 10,000/);

    await form.getByLabel("Title").fill("Too long");
    await text.fill("");
    await text.focus();
    await page.evaluate((pasted) => navigator.clipboard.writeText(pasted), "y".repeat(12_345));
    await page.keyboard.press("ControlOrMeta+V");
    await expect(text).toHaveValue("y".repeat(12_345));
    await expect(form.getByRole("alert").filter({ hasText: "12,345 characters" })).toHaveText(
      "The text is 12,345 characters long; the limit is 10,000. Nothing was cut: shorten it to save.",
    );
    await expect(text).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("12,345 / 10,000")).toBeVisible();

    let posted = false;
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/bff/api/notes") posted = true;
    });
    await form.getByRole("button", { name: "Add note" }).click();
    await expect(text).toBeFocused();
    expect(posted).toBe(false);
    await expect(noteTitles(page)).toHaveCount(0);
  });
});

test.describe("the header on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a long user name is cut with an ellipsis and the header keeps two rows", async ({ page, context, baseURL, request }) => {
    const name = "Maximiliana Wilhelmina Theodora von Hohenzollern-Sigmaringen";
    await signInContext(context, baseURL!, await registerAccount(request, { name }));
    await page.goto("/notes");
    const user = page.getByRole("navigation", { name: "Account" }).getByText(name);
    await expect(user).toHaveAttribute("title", new RegExp(`^${name} \\(`));
    const header = await page.locator(".site-header").boundingBox();
    const brand = await page.locator(".site-header .brand").boundingBox();
    const signOut = await page.getByRole("button", { name: "Sign out" }).boundingBox();
    const nav = await page.getByRole("navigation", { name: "Main" }).boundingBox();
    // Brand and Sign out on the first row, Notes and Settings on the second, nothing on a third.
    expect(Math.abs(signOut!.y + signOut!.height / 2 - (brand!.y + brand!.height / 2))).toBeLessThan(8);
    expect(nav!.y).toBeGreaterThan(signOut!.y + signOut!.height - 4);
    expect(header!.height).toBeLessThan(signOut!.height * 2 + nav!.height);
    expect(await user.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
    expect(await user.evaluate((element) => getComputedStyle(element).textOverflow)).toBe("ellipsis");
  });
});
