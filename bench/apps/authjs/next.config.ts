import path from "node:path";
import type { NextConfig } from "next";

// bench/apps, where the one lockfile and node_modules of the bench apps are: not Keyhole's root.
const workspaceRoot = path.join(__dirname, "..");

const nextConfig: NextConfig = {
  poweredByHeader: false,
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
};

export default nextConfig;
