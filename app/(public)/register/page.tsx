import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getBff } from "@/lib/wiring";
import { safeReturnTo } from "@/lib/shared/return-to";
import { Brand } from "../../components/brand";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const returnTo = safeReturnTo((await searchParams).returnTo);
  if (await getBff().getCurrentSession()) redirect(returnTo);
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <Brand />
        <h1>Create an account</h1>
        <RegisterForm returnTo={returnTo} />
      </div>
    </main>
  );
}
