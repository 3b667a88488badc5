import type { Metadata } from "next";
import { requireSession } from "@/lib/bff";
import { getConfig } from "@/lib/config";
import { TokensView } from "./tokens-view";

export const metadata: Metadata = { title: "Personal access tokens" };

export default async function TokensPage() {
  await requireSession("/settings/tokens");
  // The configured origin, never the Host header, for the example command.
  return <TokensView apiBaseUrl={`${getConfig().appOrigin}/api/v1`} />;
}
