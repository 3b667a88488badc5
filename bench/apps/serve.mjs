/**
 * The production server of a bench app (bench/apps/<app>), shaped like Keyhole's server.ts: Next.js
 * in production mode behind a plain node:http server on HOST:PORT. The app's own configuration
 * comes from the environment (bench/peers.ts sets it).
 *   node --max-old-space-size=256 --import bench/metrics-preload.mjs bench/apps/serve.mjs <app>
 * Plain JavaScript, like Keyhole's compiled server: no TypeScript loader in the measured process.
 */
import { createServer } from "node:http";
import path from "node:path";
import next from "next";

const APPS = ["floor", "authjs", "better-auth"];
const appName = process.argv[2];
if (!APPS.includes(appName)) {
  console.error(`usage: serve.mjs <${APPS.join("|")}>`);
  process.exit(2);
}
process.env.NODE_ENV = "production";
const hostname = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);

const app = next({ dev: false, dir: path.join(import.meta.dirname, appName), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

createServer((request, response) => {
  handle(request, response).catch((error) => {
    console.error("Unhandled error", error);
    if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
    response.end("Internal Server Error");
  });
}).listen(port, hostname, () => {
  console.log(`bench app ${appName} ready on http://${hostname}:${port}`);
});
