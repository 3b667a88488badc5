// The production server for `npm run bench -- --cpu-prof`: node writes a --cpu-prof profile only
// when the process exits normally, and a bare SIGTERM would kill it first.
process.once("SIGTERM", () => process.exit(0));
await import("../.next/keyhole/server.mjs");
