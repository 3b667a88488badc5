/**
 * Auth.js v5 as its guide sets it up without a database: the session is a JWE in the
 * `authjs.session-token` cookie (A256CBC-HS512, key derived from AUTH_SECRET with the cookie name
 * as salt). The bench mints those cookies with `encode` from next-auth/jwt (bench/peers.ts); the
 * Credentials provider is the sign-in such an app would offer.
 */
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";

/** The one password of every bench user (no database: nothing to look users up in). */
const BENCH_PASSWORD = process.env.BENCH_PASSWORD ?? "bench-password-not-secret";

export const { handlers, auth } = NextAuth({
  session: { strategy: "jwt" },
  trustHost: true,
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      authorize(credentials) {
        const email = typeof credentials.email === "string" ? credentials.email : "";
        if (!email.endsWith("@bench.test") || credentials.password !== BENCH_PASSWORD) return null;
        return { id: email, email, name: email.split("@")[0] };
      },
    }),
  ],
});
