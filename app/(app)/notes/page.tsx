import type { Metadata } from "next";
import { getBff } from "@/lib/wiring";
import { NotesView } from "./notes-view";

export const metadata: Metadata = { title: "Notes" };

export default async function NotesPage() {
  await getBff().requireSession("/notes");
  return <NotesView />;
}
