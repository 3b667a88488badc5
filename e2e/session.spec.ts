/**
 * Refresh as the user sees it: against the `shortTtl` server (ACCESS_TOKEN_TTL=5s, e2e/servers.ts)
 * the BFF refreshes the sealed access token every few seconds while the user works, and a burst
 * of parallel requests at the moment the token dies all succeed (one refresh, shared).
 */
import { expect, registerAccount, SIGNED_OUT, test, unsealSessionCookie } from "./fixtures";
import { addNote, expectSignedInAs, noteTitles, submitLoginForm } from "./support/app-pages";
import { getTestRun } from "./support/test-run";

const ACCESS_TOKEN_TTL_MS = 5_000;
const SESSION_COOKIE = "__Host-keyhole";

// `page` and `request` both talk to the shortTtl server.
test.use({ baseURL: getTestRun().servers.shortTtl.url, storageState: SIGNED_OUT });

test("with 5-second access tokens a user works past three expiries without being sent to sign in, and 20 parallel requests at an expiry all succeed", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const account = await registerAccount(request, { name: "Short Lived" });

  // Anything that would mean "signed out": a trip to /login after signing in, or a 401 from the BFF.
  const loginVisits: string[] = [];
  const refusals: string[] = [];
  // Every session cookie the server sets, with the URL that set it.
  const cookiesSet: Promise<{ url: string; sealed: string }[]>[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && new URL(frame.url()).pathname === "/login") loginVisits.push(frame.url());
  });
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/bff/") && response.status() === 401) refusals.push(response.url());
    cookiesSet.push(
      response.headersArray().then(
        (headers) =>
          headers
            .filter((header) => header.name.toLowerCase() === "set-cookie")
            .map((header) => new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(header.value)?.[1])
            .filter((sealed): sealed is string => !!sealed)
            .map((sealed) => ({ url: response.url(), sealed })),
        () => [],
      ),
    );
  });
  const sealedSoFar = async () => (await Promise.all(cookiesSet)).flat();

  await page.goto("/login");
  await submitLoginForm(page, account);
  await expect(page).toHaveURL(`${baseURL}/notes`);
  loginVisits.length = 0;
  refusals.length = 0; // the login page asks /bff/session before anyone is signed in

  const started = Date.now();
  const titles: string[] = [];
  let lastRequestAt = Date.now();
  // Work for more than three token lifetimes: add a note, wait most of a lifetime, reload; four times.
  for (let round = 1; round <= 4; round++) {
    const title = `Note ${titles.length + 1}`;
    expect((await addNote(page, title)).status()).toBe(201);
    titles.unshift(title);
    await page.waitForTimeout(ACCESS_TOKEN_TTL_MS - 1_000);
    const listed = page.waitForResponse((response) => new URL(response.url()).pathname === "/bff/api/notes" && response.request().method() === "GET");
    await page.reload();
    expect((await listed).status()).toBe(200);
    lastRequestAt = Date.now();
    await expect(noteTitles(page)).toHaveText(titles);
    await expectSignedInAs(page, "Short Lived");
  }
  expect(Date.now() - started).toBeGreaterThan(3 * ACCESS_TOKEN_TTL_MS);

  // The cookie's access token was issued at or before the last request: wait until it has expired.
  await page.waitForTimeout(Math.max(0, lastRequestAt + ACCESS_TOKEN_TTL_MS + 500 - Date.now()));
  const setBeforeBurst = (await sealedSoFar()).length;
  const burst = await page.evaluate(async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => fetch("/bff/api/notes", { headers: { accept: "application/json" }, cache: "no-store" })),
    );
    return Promise.all(responses.map(async (response) => ({ status: response.status, count: ((await response.json()) as { items: unknown[] }).items?.length })));
  });
  expect(burst.map((answer) => answer.status)).toEqual(Array(20).fill(200));
  expect(burst.map((answer) => answer.count)).toEqual(Array(20).fill(titles.length));
  // The burst met an expired token: it was refreshed once, and every answer carried that one refresh.
  const setByBurst = (await sealedSoFar()).slice(setBeforeBurst).filter((entry) => new URL(entry.url).pathname === "/bff/api/notes");
  expect(setByBurst.length).toBeGreaterThanOrEqual(1);
  const burstAccessTokens = new Set(await Promise.all(setByBurst.map(async ({ sealed }) => (await unsealSessionCookie(sealed)).accessToken)));
  expect(burstAccessTokens.size).toBe(1);

  // Still signed in: the session answers, a reload shows the notes, and work goes on.
  expect(await page.evaluate(async () => (await fetch("/bff/session?extend=false")).status)).toBe(200);
  await page.reload();
  await expect(page).toHaveURL(`${baseURL}/notes`);
  await expectSignedInAs(page, "Short Lived");
  await expect(noteTitles(page)).toHaveText(titles);
  expect((await addNote(page, "After the burst")).status()).toBe(201);
  await expect(noteTitles(page).first()).toHaveText("After the burst");

  expect(loginVisits).toEqual([]);
  expect(refusals).toEqual([]);

  // The BFF really did refresh along the way: the browser was handed at least four access tokens.
  const cookie = (await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
  expect(cookie).toBeDefined();
  const sealedCookies = new Set([...(await sealedSoFar()).map((entry) => entry.sealed), cookie!.value]);
  const accessTokens = new Set(await Promise.all([...sealedCookies].map(async (sealed) => (await unsealSessionCookie(sealed)).accessToken)));
  expect(accessTokens.size).toBeGreaterThanOrEqual(4);
});
