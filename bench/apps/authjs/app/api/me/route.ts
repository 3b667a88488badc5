import { auth } from "../../../auth";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const session = await auth();
  const email = session?.user?.email;
  if (!email) return Response.json({ error: "unauthenticated" }, { status: 401, headers: { "cache-control": "no-store" } });
  return Response.json({ email }, { headers: { "cache-control": "no-store" } });
}
