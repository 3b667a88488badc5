/** Where to go after signing in: same-origin paths only, so `returnTo` can never send a user away. */
export const DEFAULT_RETURN_TO = "/notes";

export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 2048) return DEFAULT_RETURN_TO;
  // Reject protocol-relative (`//evil`), backslash tricks (`/\evil`) and control characters
  // before parsing, because browsers and URL parsers disagree about them.
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN_TO;
  const base = "http://keyhole.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  // Dot segments can collapse to a protocol-relative path: "/.//evil" becomes "//evil".
  if (url.origin !== base || url.pathname.startsWith("//") || url.pathname.startsWith("/bff") || url.pathname.startsWith("/api")) {
    return DEFAULT_RETURN_TO;
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

export function loginPath(returnTo: string): string {
  return `/login?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`;
}
