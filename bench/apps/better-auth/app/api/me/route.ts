import { headers } from "next/headers";
import { getAuth } from "../../../lib/auth";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) return Response.json({ error: "unauthenticated" }, { status: 401, headers: { "cache-control": "no-store" } });
  return Response.json({ email: session.user.email }, { headers: { "cache-control": "no-store" } });
}
