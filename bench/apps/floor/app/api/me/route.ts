/**
 * The framework's floor: a dynamic route handler that does next to nothing. It reads the Cookie
 * header (so it is rendered per request, never prerendered or cached) and answers small JSON.
 */
export const dynamic = "force-dynamic";

export function GET(request: Request): Response {
  const cookieBytes = request.headers.get("cookie")?.length ?? 0;
  return Response.json({ ok: true, cookieBytes }, { headers: { "cache-control": "no-store" } });
}
