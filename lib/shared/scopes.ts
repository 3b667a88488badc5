/** The scope vocabulary. Sessions of the first-party BFF get all of it; PATs a subset. */
export const PAT_SCOPES = ["profile:read", "notes:read", "notes:write"] as const;
/** Managing sessions and tokens needs a signed-in user, never a script's PAT. */
export const SESSION_ONLY_SCOPES = ["sessions:manage", "tokens:manage"] as const;
/** Every scope, as the first-party BFF's sessions hold them. */
export const ALL_SCOPES = [...PAT_SCOPES, ...SESSION_ONLY_SCOPES];
export const SESSION_SCOPE = ALL_SCOPES.join(" ");

export type PatScope = (typeof PAT_SCOPES)[number];
export type Scope = PatScope | (typeof SESSION_ONLY_SCOPES)[number];

export function hasScope(grantedScope: string, needed: Scope): boolean {
  return grantedScope.split(" ").includes(needed);
}
