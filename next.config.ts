import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
import { API_CONTENT_SECURITY_POLICY, staticSecurityHeaders } from "./lib/security-headers";

export default function nextConfig(phase: string): NextConfig {
  const isProduction = phase !== PHASE_DEVELOPMENT_SERVER;
  return {
    poweredByHeader: false,
    // Loaded from node_modules at run time: native bindings and worker threads must not be bundled.
    serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "piscina", "bcryptjs"],
    async headers() {
      return [
        { source: "/:path*", headers: staticSecurityHeaders(isProduction) },
        { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
        { source: "/bff/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      ];
    },
  };
}
