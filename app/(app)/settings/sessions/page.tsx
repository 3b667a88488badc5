import type { Metadata } from "next";
import { requireSession } from "@/lib/bff";
import { SessionsView } from "./sessions-view";

export const metadata: Metadata = { title: "Sessions" };

export default async function SessionsPage() {
  await requireSession("/settings/sessions");
  return <SessionsView />;
}
