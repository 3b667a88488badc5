/** TanStack Query keys, in one place so invalidation and optimistic updates agree. */
export const queryKeys = {
  session: ["session"] as const,
  notes: ["notes"] as const,
};
