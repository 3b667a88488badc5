import type { Metadata } from "next";
import { requireSession } from "@/lib/bff";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Password" };

export default async function PasswordPage() {
  await requireSession("/settings/password");
  return <PasswordForm />;
}
