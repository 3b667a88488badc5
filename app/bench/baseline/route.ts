// The benchmark's floor: a constant JSON answer (404 unless KEYHOLE_BENCH is on). See lib/bench.ts.
import { benchBaselineResponse } from "@/lib/bench";

export const dynamic = "force-dynamic";

export function GET() {
  return benchBaselineResponse();
}
