import type { Metadata } from "next";
import { getBff } from "@/lib/wiring";
import { SessionsView } from "./sessions-view";

export const metadata: Metadata = { title: "Sessions" };

export default async function SessionsPage() {
  await getBff().requireSession("/settings/sessions");
  return <SessionsView />;
}
