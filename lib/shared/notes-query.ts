/** How the notes list is paged, shared by the browser's query and the notes page's server prefetch. */
export const NOTES_PAGE_SIZE = 20;

export function notesPagePath(cursor: string | null): `/bff/api/notes?${string}` {
  return `/bff/api/notes?limit=${NOTES_PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
}
