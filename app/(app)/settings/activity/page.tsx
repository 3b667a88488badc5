import type { Metadata } from "next";
import { requireSession } from "@/lib/bff";
import { ActivityView } from "./activity-view";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage() {
  await requireSession("/settings/activity");
  return <ActivityView />;
}
