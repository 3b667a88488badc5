/**
 * A TCP proxy in front of a real server (PostgreSQL) that a test can stop and start again on the
 * same port: an outage as the app sees it, without touching the shared server. Stopped, it drops
 * every open connection and refuses new ones, as a stopped server does; or, stopped as a black
 * hole, accepts new connections and never answers, as a host that is gone makes clients wait.
 */
import net from "node:net";

export interface TcpProxy {
  readonly port: number;
  stop(options?: { blackHole?: boolean }): Promise<void>;
  start(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let forwarding = false;
  let port = 0;

  function track(socket: net.Socket): void {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // A dropped peer is the point of this proxy, not a test failure.
    socket.on("error", () => {});
  }

  function accept(client: net.Socket): void {
    track(client);
    if (!forwarding) return;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  }

  async function listen(): Promise<void> {
    const next = net.createServer(accept);
    await new Promise<void>((resolve, reject) => {
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => resolve());
    });
    server = next;
    port = (next.address() as net.AddressInfo).port;
  }

  async function close(): Promise<void> {
    const current = server;
    server = null;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  forwarding = true;
  await listen();
  return {
    get port() {
      return port;
    },
    async stop({ blackHole = false } = {}) {
      forwarding = false;
      await close();
      if (blackHole) await listen();
    },
    async start() {
      await close();
      forwarding = true;
      await listen();
    },
  };
}
