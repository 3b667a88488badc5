/** Free loopback ports for the test suites and the bench. */
import net from "node:net";

/** Teammates run dev servers in this range: never take a port from it. */
const RESERVED_PORTS = { from: 3000, to: 3300 };

export function isReservedPort(port: number): boolean {
  return port >= RESERVED_PORTS.from && port <= RESERVED_PORTS.to;
}

/** `count` distinct ports the OS reports free right now, outside the reserved range (held open together while chosen). */
export async function findFreePorts(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < count; attempt++) {
      if (attempt >= count + 50) throw new Error("no free port outside the reserved range");
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
      held.push(server);
      const { port } = server.address() as net.AddressInfo;
      if (!isReservedPort(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

export async function findFreePort(): Promise<number> {
  return (await findFreePorts(1))[0]!;
}
