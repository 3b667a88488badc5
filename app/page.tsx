import { redirect } from "next/navigation";
import { getCurrentSession } from "@/lib/bff";

export default async function Home() {
  redirect((await getCurrentSession()) ? "/notes" : "/login");
}
