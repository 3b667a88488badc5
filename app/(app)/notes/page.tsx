import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notesPagePath } from "@/lib/shared/notes-query";
import { queryKeys } from "@/lib/shared/query-keys";
import type { NoteListDto } from "@/lib/shared/schemas";
import { getBff } from "@/lib/wiring";
import { NotesView } from "./notes-view";
import { readBffOnServer } from "./read-on-server";

export const metadata: Metadata = { title: "Notes" };

// The first page of notes is read here and handed to the browser's query, so the notes are in
// the HTML (no "Loading…", and readable without JavaScript). If it cannot be read, the browser does.
export default async function NotesPage() {
  const session = await getBff().requireSession("/notes");
  const queryClient = new QueryClient();
  await queryClient.prefetchInfiniteQuery({
    queryKey: queryKeys.notes,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => readBffOnServer<NoteListDto>(session, notesPagePath(pageParam)),
  });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <NotesView userId={session.user.id} sessionId={session.sessionId} />
    </HydrationBoundary>
  );
}
