import { getAuthorizationServerMetadata } from "@/lib/auth";

export function GET() {
  return Response.json(getAuthorizationServerMetadata(), { headers: { "Cache-Control": "public, max-age=300" } });
}
