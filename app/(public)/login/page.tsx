import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getBff } from "@/lib/wiring";
import { safeReturnTo } from "@/lib/shared/return-to";
import { parseSessionEndReason, SESSION_END_NOTICES } from "@/lib/shared/session-end";
import { Brand } from "../../components/brand";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.returnTo);
  const { session, ended } = await getBff().inspectCurrentSession();
  if (session) redirect(returnTo);
  // Only a code of the fixed list is read from the URL, and shown as fixed text. Without one, a
  // session cookie this browser still holds says why its session ended (its holder is the owner).
  const reason = parseSessionEndReason(params.notice) ?? ended;
  const notice = reason ? SESSION_END_NOTICES[reason] : null;
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <Brand />
        <h1>Sign in</h1>
        {notice ? (
          <p className={`alert ${notice.tone === "warning" ? "alert-warning" : "alert-info"} session-notice`} role="status">
            {notice.tone === "warning" ? <span className="visually-hidden">Warning: </span> : null}
            {notice.text}
          </p>
        ) : null}
        <LoginForm returnTo={returnTo} />
      </div>
    </main>
  );
}
