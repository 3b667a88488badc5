import { getPublicJwks } from "@/lib/auth";

// Public keys only; cacheable for a few minutes so other services need not ask on every token.
export async function GET() {
  return Response.json(await getPublicJwks(), { headers: { "Cache-Control": "public, max-age=300" } });
}
