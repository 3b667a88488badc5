// Event-loop delay and memory for the benchmark (404 unless KEYHOLE_BENCH is on). See lib/bench.ts.
import { benchMetricsResponse } from "@/lib/bench";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return benchMetricsResponse(request);
}
