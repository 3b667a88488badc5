import type { Metadata } from "next";
import { getBff } from "@/lib/wiring";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Password" };

export default async function PasswordPage() {
  await getBff().requireSession("/settings/password");
  return <PasswordForm />;
}
