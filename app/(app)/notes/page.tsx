import type { Metadata } from "next";
import { requireSession } from "@/lib/bff";
import { NotesView } from "./notes-view";

export const metadata: Metadata = { title: "Notes" };

export default async function NotesPage() {
  await requireSession("/notes");
  return <NotesView />;
}
