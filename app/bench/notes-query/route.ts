// The database read behind GET /api/v1/notes alone (404 unless KEYHOLE_BENCH is on). See lib/bench.ts.
import { benchNotesQueryResponse } from "@/lib/bench";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return benchNotesQueryResponse(request);
}
