/**
 * The BFF's one composition point: given how to reach the API, which session store to ask and a
 * clock, it builds the cookie sealing, the token client, the refresher and the endpoints. Its
 * state (the unsealed-cookie cache, the refreshes in flight) belongs to the instance, so another
 * upstream, session store or database plugs in here without edits inside lib/bff, and a test can
 * build a second instance to act as another server.
 */
import { createCurrentSession, type CurrentSession } from "./current-session";
import { systemClock, type BffDependencies } from "./dependencies";
import { createHandlers, type BffHandlers } from "./handlers";
import { createRefresher } from "./refresh";
import { createSessionCookies } from "./session-cookie";
import { createSignIn, type SignIn } from "./sign-in";
import { createTokenClient } from "./token-client";

export type Bff = BffHandlers & CurrentSession & Pick<SignIn, "signIn" | "registerAndSignIn" | "findRefreshReuseNotice">;

export function createBff({ upstream, sessions, clock = systemClock }: BffDependencies): Bff {
  const cookies = createSessionCookies({ sessions, clock });
  const tokens = createTokenClient(upstream);
  const refresher = createRefresher({ tokens, cookies, clock });
  const signing = createSignIn({ tokens, cookies, clock });
  return {
    ...createHandlers({ upstream, cookies, refresher, tokens, signing, clock }),
    ...createCurrentSession(cookies),
    signIn: signing.signIn,
    registerAndSignIn: signing.registerAndSignIn,
    findRefreshReuseNotice: signing.findRefreshReuseNotice,
  };
}
