/**
 * The `setup` project: the pattern a downstream E2E suite should copy to log in quickly.
 * It registers a fresh user, signs in with one HTTP call to POST /bff/login from Playwright's
 * request context (no browser, no form), and saves the session cookie as storageState for the
 * `chromium` project. The BFF needs what the login form sends: `X-CSRF: 1` and our `Origin`.
 */
import fs from "node:fs";
import { expect, registerAccount, test as setup } from "./fixtures";
import { getTestRun } from "./support/test-run";

setup("sign in through the BFF and save the session", async ({ request, baseURL }) => {
  const run = getTestRun();
  const account = await registerAccount(request);

  const login = await request.post("/bff/login", {
    headers: { "X-CSRF": "1", Origin: baseURL! },
    data: { email: account.email, password: account.password },
  });
  expect(login.status()).toBe(200);
  expect((await login.json()).user.email).toBe(account.email);

  const state = await request.storageState({ path: run.authStateFile });
  const sessionCookie = state.cookies.find((cookie) => cookie.name === "__Host-keyhole");
  expect(sessionCookie).toMatchObject({ httpOnly: true, secure: true, path: "/", sameSite: "Strict" });
  fs.writeFileSync(run.authAccountFile, `${JSON.stringify(account, null, 2)}\n`, { mode: 0o600 });
});
