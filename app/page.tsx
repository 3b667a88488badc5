import { redirect } from "next/navigation";
import { getBff } from "@/lib/wiring";

export default async function Home() {
  redirect((await getBff().getCurrentSession()) ? "/notes" : "/login");
}
