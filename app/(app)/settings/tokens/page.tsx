import type { Metadata } from "next";
import { getBff } from "@/lib/wiring";
import { getConfig } from "@/lib/config";
import { TokensView } from "./tokens-view";

export const metadata: Metadata = { title: "Personal access tokens" };

export default async function TokensPage() {
  await getBff().requireSession("/settings/tokens");
  // The configured origin, never the Host header, for the example command.
  return <TokensView apiBaseUrl={`${getConfig().appOrigin}/api/v1`} />;
}
