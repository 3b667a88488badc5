/**
 * The app in a real browser against the production server: registration, notes with optimistic
 * updates, sign-out, the sign-in error, returnTo, two users side by side, and the forms without
 * JavaScript. Each test makes its own user; none uses the shared signed-in state.
 */
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext } from "@playwright/test";
import { expect, generatePassword, registerAccount, SIGNED_OUT, signInContext, test, uniqueEmail } from "./fixtures";
import {
  addNote,
  expectSignedInAs,
  GENERIC_LOGIN_ERROR,
  holdNextRequest,
  isNotesCollection,
  isNotesPath,
  loginError,
  noteItem,
  noteTitles,
  submitLoginForm,
} from "./support/app-pages";

const SESSION_COOKIE = "__Host-keyhole";

test.use({ storageState: SIGNED_OUT });

async function sessionCookieValue(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)?.value;
}

function newSignedOutContext(browser: Browser, baseURL: string | undefined): Promise<BrowserContext> {
  return browser.newContext({ baseURL, storageState: SIGNED_OUT });
}

test.describe("a new visitor", () => {
  test("registers, creates, edits and deletes notes, signs out, and is then sent to sign in for /notes", async ({ page, context, request, baseURL }) => {
    const name = "Grace Hopper";
    await page.goto("/register");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(uniqueEmail("journey"));
    await page.getByLabel("Password").fill(generatePassword());
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL(`${baseURL}/notes`);
    await expectSignedInAs(page, name);
    await expect(page.getByText("No notes yet.")).toBeVisible();

    // Create: the note is listed, marked as saving, before the server has answered.
    const heldCreate = await holdNextRequest(page, "POST", isNotesCollection);
    const form = page.getByRole("region", { name: "New note" });
    await form.getByLabel("Title").fill("First note");
    await form.getByLabel("Text").fill("hello");
    await form.getByRole("button", { name: "Add note" }).click();
    await heldCreate.held;
    await expect(noteTitles(page)).toHaveText(["First note"]);
    await expect(noteItem(page, "First note")).toHaveAttribute("aria-busy", "true");
    expect((await heldCreate.release()).status()).toBe(201);
    await expect(noteItem(page, "First note")).toHaveAttribute("aria-busy", "false");
    await expect(form.getByLabel("Title")).toHaveValue("");

    expect((await addNote(page, "Second note", "world")).status()).toBe(201);
    await expect(noteTitles(page)).toHaveText(["Second note", "First note"]);

    // Edit: the new title shows while the PATCH is still held.
    const heldUpdate = await holdNextRequest(page, "PATCH", isNotesPath);
    await page.getByRole("button", { name: "Edit First note" }).click();
    const editForm = page.getByRole("form", { name: "Edit First note" });
    await editForm.getByLabel("Title").fill("First note, edited");
    await editForm.getByLabel("Text").fill("changed");
    await editForm.getByRole("button", { name: "Save" }).click();
    await heldUpdate.held;
    await expect(noteTitles(page)).toHaveText(["Second note", "First note, edited"]);
    await expect(noteItem(page, "First note, edited")).toContainText("changed");
    expect((await heldUpdate.release()).status()).toBe(200);

    // Delete: the note leaves the list while the DELETE is still held.
    const heldDelete = await holdNextRequest(page, "DELETE", isNotesPath);
    await page.getByRole("button", { name: "Delete Second note" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await heldDelete.held;
    await expect(noteTitles(page)).toHaveText(["First note, edited"]);
    expect((await heldDelete.release()).status()).toBe(204);

    // What the server kept, after a reload and through the BFF.
    await page.reload();
    await expect(noteTitles(page)).toHaveText(["First note, edited"]);
    await expect(noteItem(page, "First note, edited")).toContainText("changed");
    const stored = await page.request.get("/bff/api/notes");
    expect(stored.status()).toBe(200);
    expect(((await stored.json()) as { items: { title: string; body: string }[] }).items).toEqual([
      expect.objectContaining({ title: "First note, edited", body: "changed" }),
    ]);

    const cookieBeforeSignOut = await sessionCookieValue(context);
    expect(cookieBeforeSignOut).toBeTruthy();
    const landings: string[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) landings.push(frame.url());
    });
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?/);
    await page.waitForLoadState("networkidle");
    // The "signed out" notice, never "your session has ended". Soft: the rest of the test still runs.
    expect.soft(page.url()).toBe(`${baseURL}/login?notice=signed-out`);
    expect.soft(landings.filter((url) => url.includes("notice=expired"))).toEqual([]);
    await expect(page.getByRole("status")).toBeVisible();
    expect(await sessionCookieValue(context)).toBeUndefined();
    // The old cookie is dead on the server too, not only forgotten by this browser.
    const replayed = await request.get("/bff/api/notes", { headers: { Cookie: `${SESSION_COOKIE}=${cookieBeforeSignOut}` } });
    expect(replayed.status()).toBe(401);

    const response = await page.goto("/notes");
    await expect(page).toHaveURL(`${baseURL}/login?returnTo=%2Fnotes`);
    expect(response?.status()).toBe(200);
    expect(response?.request().redirectedFrom()?.url()).toBe(`${baseURL}/notes`);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  });
});

test.describe("notes", () => {
  test("a note the server refuses disappears from the list again and the error is announced", async ({ page, context, baseURL, request }) => {
    await signInContext(context, baseURL!, await registerAccount(request));
    await page.goto("/notes");
    await expect(page.getByText("No notes yet.")).toBeVisible();

    // Passes the browser's `required` check, but the API refuses a blank title.
    const held = await holdNextRequest(page, "POST", isNotesCollection);
    const form = page.getByRole("region", { name: "New note" });
    await form.getByLabel("Title").fill("   ");
    await form.getByRole("button", { name: "Add note" }).click();
    await held.held;
    await expect(noteTitles(page)).toHaveCount(1);
    expect((await held.release()).status()).toBe(400);

    await expect(noteTitles(page)).toHaveCount(0);
    await expect(page.getByText("No notes yet.")).toBeVisible();
    await expect(form.getByRole("alert")).toHaveClass(/alert-error/);
    await expect(form.getByRole("alert")).not.toBeEmpty();
  });

  test("text typed into the new-note form while the previous note is saving is kept", async ({ page, context, baseURL, request }) => {
    await signInContext(context, baseURL!, await registerAccount(request));
    await page.goto("/notes");
    await expect(page.getByText("No notes yet.")).toBeVisible();

    const held = await holdNextRequest(page, "POST", isNotesCollection);
    const form = page.getByRole("region", { name: "New note" });
    await form.getByLabel("Title").fill("Saved first");
    await form.getByRole("button", { name: "Add note" }).click();
    await held.held;
    // The app hands focus back to the title at once, inviting the next note while this one saves
    // (the list already shows the first). The user replaces the old title with the next one.
    await expect(form.getByLabel("Title")).toBeFocused();
    await expect(noteTitles(page)).toHaveText(["Saved first"]);
    await form.getByLabel("Title").fill("Typed meanwhile");
    expect((await held.release()).status()).toBe(201);

    await expect(noteItem(page, "Saved first")).toHaveAttribute("aria-busy", "false");
    await expect(form.getByLabel("Title")).toHaveValue("Typed meanwhile");
  });
});

test.describe("signing in", () => {
  test("a wrong password and an unknown email show the same generic error, focused in an alert", async ({ page, context, baseURL, request }) => {
    const account = await registerAccount(request);
    await page.goto("/login");

    await submitLoginForm(page, { email: account.email, password: generatePassword() });
    await expect(loginError(page)).toHaveText(GENERIC_LOGIN_ERROR);
    await expect(loginError(page)).toBeFocused();
    await expect(loginError(page)).toHaveAttribute("aria-live", "assertive");
    await expect(page).toHaveURL(`${baseURL}/login`);

    // Move focus away, so the second error has to take it again.
    await page.getByLabel("Email").focus();
    await submitLoginForm(page, { email: uniqueEmail("nobody"), password: account.password });
    await expect(loginError(page)).toHaveText(GENERIC_LOGIN_ERROR);
    await expect(loginError(page)).toBeFocused();
    await expect(page).toHaveURL(`${baseURL}/login`);
    expect(await sessionCookieValue(context)).toBeUndefined();

    // The same form then signs the right password in.
    await submitLoginForm(page, account);
    await expect(page).toHaveURL(`${baseURL}/notes`);
    await expectSignedInAs(page, account.name);
  });

  test("a signed-out visit to /notes signs in and comes back to /notes with its query", async ({ page, baseURL, request }) => {
    const account = await registerAccount(request, { name: "Round Trip" });
    await page.goto("/notes?from=email");
    await expect(page).toHaveURL(`${baseURL}/login?returnTo=%2Fnotes%3Ffrom%3Demail`);

    await submitLoginForm(page, account);
    await expect(page).toHaveURL(`${baseURL}/notes?from=email`);
    await expectSignedInAs(page, account.name);
    await expect(page.getByRole("heading", { level: 1, name: "Your notes" })).toBeVisible();
  });

  const EXTERNAL_RETURN_TOS = ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"];

  test("an external or script returnTo is ignored: signing in lands on /notes of this origin", async ({ browser, baseURL, request }) => {
    // Four whole sign-ins in fresh browsers: ~15 s alone, close to the 30 s default beside three other workers.
    test.slow();
    const account = await registerAccount(request);
    for (const returnTo of EXTERNAL_RETURN_TOS) {
      await test.step(returnTo, async () => {
        const context = await newSignedOutContext(browser, baseURL);
        try {
          const page = await context.newPage();
          const dialogs: string[] = [];
          page.on("dialog", async (dialog) => {
            dialogs.push(dialog.message());
            await dialog.dismiss();
          });
          const offOrigin: string[] = [];
          page.on("request", (request) => {
            if (new URL(request.url()).origin !== baseURL) offOrigin.push(request.url());
          });

          await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
          await expect(page.locator('input[type="hidden"][name="returnTo"]')).toHaveValue("/notes");
          await submitLoginForm(page, account);
          await expect(page).toHaveURL(`${baseURL}/notes`);
          await expectSignedInAs(page, account.name);
          expect(dialogs).toEqual([]);
          expect(offOrigin).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }
  });
});

test.describe("two users", () => {
  test("in two browsers never see each other's notes, in the page or through /bff/api/notes", async ({ browser, baseURL, request }) => {
    const [alice, bob] = await Promise.all([registerAccount(request, { name: "Alice" }), registerAccount(request, { name: "Bob" })]);
    const [aliceContext, bobContext] = await Promise.all([newSignedOutContext(browser, baseURL), newSignedOutContext(browser, baseURL)]);
    try {
      await Promise.all([signInContext(aliceContext, baseURL!, alice), signInContext(bobContext, baseURL!, bob)]);
      const [alicePage, bobPage] = await Promise.all([aliceContext.newPage(), bobContext.newPage()]);
      await Promise.all([alicePage.goto("/notes"), bobPage.goto("/notes")]);
      await expectSignedInAs(alicePage, "Alice");
      await expectSignedInAs(bobPage, "Bob");

      const aliceTitle = `Alice's secret ${randomUUID()}`;
      const bobTitle = `Bob's secret ${randomUUID()}`;
      expect((await addNote(alicePage, aliceTitle, "for Alice only")).status()).toBe(201);
      expect((await addNote(bobPage, bobTitle, "for Bob only")).status()).toBe(201);

      await Promise.all([alicePage.reload(), bobPage.reload()]);
      await expect(noteTitles(alicePage)).toHaveText([aliceTitle]);
      await expect(noteTitles(bobPage)).toHaveText([bobTitle]);

      const listFor = async (context: BrowserContext) => {
        const response = await context.request.get(`${baseURL}/bff/api/notes`);
        expect(response.status()).toBe(200);
        return ((await response.json()) as { items: { id: string; title: string }[] }).items;
      };
      const aliceNotes = await listFor(aliceContext);
      expect(aliceNotes.map((note) => note.title)).toEqual([aliceTitle]);
      expect((await listFor(bobContext)).map((note) => note.title)).toEqual([bobTitle]);

      // Bob knows the id of Alice's note: it does not exist for him.
      const aliceNoteUrl = `${baseURL}/bff/api/notes/${aliceNotes[0]!.id}`;
      const writeHeaders = { "X-CSRF": "1", Origin: baseURL! };
      expect((await bobContext.request.get(aliceNoteUrl)).status()).toBe(404);
      expect((await bobContext.request.patch(aliceNoteUrl, { headers: writeHeaders, data: { title: "Bob was here" } })).status()).toBe(404);
      expect((await bobContext.request.delete(aliceNoteUrl, { headers: writeHeaders })).status()).toBe(404);

      const stillAlices = await aliceContext.request.get(aliceNoteUrl);
      expect(stillAlices.status()).toBe(200);
      expect((await stillAlices.json()).note).toMatchObject({ title: aliceTitle, body: "for Alice only" });
    } finally {
      await Promise.all([aliceContext.close(), bobContext.close()]);
    }
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the login form posts, signs in and comes back to /notes", async ({ page, context, baseURL, request }) => {
    const account = await registerAccount(request, { name: "No Script" });
    await page.goto("/notes");
    await expect(page).toHaveURL(`${baseURL}/login?returnTo=%2Fnotes`);

    const formPost = page.waitForRequest((request) => request.method() === "POST" && request.resourceType() === "document");
    await submitLoginForm(page, account);
    expect(new URL((await formPost).url()).pathname).toBe("/login");

    await expect(page).toHaveURL(`${baseURL}/notes`);
    await expectSignedInAs(page, "No Script");
    expect(await sessionCookieValue(context)).toBeTruthy();
  });

  test("a wrong password shows the generic error", async ({ page, context, baseURL, request }) => {
    const account = await registerAccount(request);
    await page.goto("/login");
    await submitLoginForm(page, { email: account.email, password: generatePassword() });
    await expect(loginError(page)).toHaveText(GENERIC_LOGIN_ERROR);
    await expect(page).toHaveURL(`${baseURL}/login`);
    await expect(page.getByLabel("Email")).toHaveValue(account.email);
    expect(await sessionCookieValue(context)).toBeUndefined();
  });
});
