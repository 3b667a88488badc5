/** TanStack Query keys, in one place so invalidation and optimistic updates agree. */
export const queryKeys = {
  session: ["session"] as const,
  profile: ["profile"] as const,
  notes: ["notes"] as const,
  sessions: ["sessions"] as const,
  tokens: ["tokens"] as const,
  activity: ["activity"] as const,
};
