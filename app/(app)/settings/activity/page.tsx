import type { Metadata } from "next";
import { getBff } from "@/lib/wiring";
import { ActivityView } from "./activity-view";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage() {
  await getBff().requireSession("/settings/activity");
  return <ActivityView />;
}
