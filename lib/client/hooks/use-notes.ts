"use client";
/** Notes through the BFF, with optimistic create, update and delete that roll back on error. */
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import type { NoteDto, NoteInput, NoteListDto, NoteUpdate } from "../../shared/schemas";
import { notesPagePath } from "../../shared/notes-query";
import { queryKeys } from "../../shared/query-keys";
import { bffFetch } from "../bff-fetch";
import { useRefetchAfterChange } from "./use-refetch-after-change";

type NotePages = InfiniteData<NoteListDto, string | null>;

export function useNotes() {
  return useInfiniteQuery({
    queryKey: queryKeys.notes,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => bffFetch<NoteListDto>(notesPagePath(pageParam)),
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

function mapNotes(data: NotePages | undefined, change: (items: NoteDto[], pageIndex: number) => NoteDto[]): NotePages | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page, index) => ({ ...page, items: change(page.items, index) })) };
}

/** Shared optimistic-update plumbing: snapshot, apply, roll back on error, refetch when settled. */
function useOptimisticNotes<Variables, Result>(
  mutationFn: (variables: Variables) => Promise<Result>,
  apply: (data: NotePages | undefined, variables: Variables) => NotePages | undefined,
) {
  const queryClient = useQueryClient();
  const refetch = useRefetchAfterChange(queryKeys.notes);
  return useMutation({
    mutationFn,
    onMutate: async (variables: Variables) => {
      await queryClient.cancelQueries({ queryKey: queryKeys.notes });
      const previous = queryClient.getQueryData<NotePages>(queryKeys.notes);
      queryClient.setQueryData<NotePages>(queryKeys.notes, (data) => apply(data, variables));
      return { previous };
    },
    onError: (_error, _variables, context) => queryClient.setQueryData(queryKeys.notes, context?.previous),
    onSettled: refetch,
  });
}

export function useCreateNote() {
  return useOptimisticNotes(
    (input: NoteInput) => bffFetch<{ note: NoteDto }>("/bff/api/notes", { method: "POST", json: input }),
    (data, input) => {
      const now = new Date().toISOString();
      const draft: NoteDto = { id: `optimistic-${crypto.randomUUID()}`, title: input.title, body: input.body ?? "", createdAt: now, updatedAt: now };
      return mapNotes(data, (items, pageIndex) => (pageIndex === 0 ? [draft, ...items] : items));
    },
  );
}

export function useUpdateNote() {
  return useOptimisticNotes(
    ({ id, changes }: { id: string; changes: NoteUpdate }) =>
      bffFetch<{ note: NoteDto }>(`/bff/api/notes/${encodeURIComponent(id)}`, { method: "PATCH", json: changes }),
    (data, { id, changes }) =>
      mapNotes(data, (items) => items.map((note) => (note.id === id ? { ...note, ...changes, updatedAt: new Date().toISOString() } : note))),
  );
}

export function useDeleteNote() {
  return useOptimisticNotes(
    (id: string) => bffFetch<void>(`/bff/api/notes/${encodeURIComponent(id)}`, { method: "DELETE" }),
    (data, id) => mapNotes(data, (items) => items.filter((note) => note.id !== id)),
  );
}
