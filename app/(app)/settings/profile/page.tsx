import type { Metadata } from "next";
import { getBff } from "@/lib/wiring";
import { ProfileView } from "./profile-view";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  await getBff().requireSession("/settings/profile");
  return <ProfileView />;
}
