import path from "node:path";
import type { NextConfig } from "next";

// bench/apps, where the one lockfile and node_modules of the bench apps are: not Keyhole's root.
const workspaceRoot = path.join(__dirname, "..");

const nextConfig: NextConfig = {
  poweredByHeader: false,
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  // Native bindings load from node_modules at run time, as in Keyhole.
  serverExternalPackages: ["better-sqlite3", "pg"],
};

export default nextConfig;
