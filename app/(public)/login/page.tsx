import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getBff } from "@/lib/wiring";
import { safeReturnTo } from "@/lib/shared/return-to";
import { Brand } from "../../components/brand";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  "signed-out": "You have signed out.",
  expired: "Your session has ended. Please sign in again.",
  "account-deleted": "Your account was deleted.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.returnTo);
  if (await getBff().getCurrentSession()) redirect(returnTo);
  const notice = typeof params.notice === "string" ? NOTICES[params.notice] : undefined;
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <Brand />
        <h1>Sign in</h1>
        {notice ? <p className="alert alert-info" role="status">{notice}</p> : null}
        <LoginForm returnTo={returnTo} />
      </div>
    </main>
  );
}
