import { getProtectedResourceMetadata } from "@/lib/auth";

export function GET() {
  return Response.json(getProtectedResourceMetadata(), { headers: { "Cache-Control": "public, max-age=300" } });
}
