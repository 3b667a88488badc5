import { redirect } from "next/navigation";

// The settings pages check the session themselves; this only picks the first one.
export default function SettingsPage() {
  redirect("/settings/sessions");
}
