import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getBff } from "@/lib/wiring";
import { safeReturnTo } from "@/lib/shared/return-to";
import { Brand } from "../../components/brand";
import { Time } from "../../components/time";

export const metadata: Metadata = { title: "A session was ended for your security" };

/**
 * Shown right after a sign-in when, since the user's previous sign-in, the token service ended one
 * of their sessions because its refresh token was used twice (a stolen session is suspected). The
 * next sign-in no longer finds it: it is shown once.
 */
export default async function SecurityNoticePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const returnTo = safeReturnTo((await searchParams).returnTo);
  const bff = getBff();
  const session = await bff.requireSession(`/security-notice?returnTo=${encodeURIComponent(returnTo)}`);
  const detectedAt = await bff.findRefreshReuseNotice(session);
  if (!detectedAt) redirect(returnTo);
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <Brand />
        <h1>Check your account</h1>
        <div className="alert alert-warning security-notice" role="alert">
          <p>
            We ended a session on <Time iso={detectedAt.toISOString()} format="dateTime" /> because its sign-in
            token was used twice. If this wasn&apos;t you, change your password.
          </p>
        </div>
        <div className="button-row">
          <Link className="button button-primary" href="/settings/password">
            Change password
          </Link>
          <Link className="button button-secondary" href={returnTo}>
            Continue
          </Link>
        </div>
      </div>
    </main>
  );
}
