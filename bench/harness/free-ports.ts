// Free loopback ports for the members the harness (and the tests) start: bind port 0, note the port, release it.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port assigned'))));
    });
  });
}

/** `n` distinct free ports, none of them in `taken` (ports handed out earlier, maybe not bound yet). */
export async function freePorts(n: number, taken: ReadonlySet<number> = new Set()): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) {
    const port = await freePort();
    if (!taken.has(port)) ports.add(port);
  }
  return [...ports];
}
