// A real TLS ClientHello, for connections that start a handshake and never finish it (the
// handshake-chaos tests and the benchmark's tls-chaos workload).
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** The first bytes node's TLS client sends, captured by a server that only listens. */
export async function clientHello(): Promise<Buffer> {
  const capture = createServer();
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  try {
    const hello = new Promise<Buffer>((resolve) => capture.once('connection', (s: Socket) => s.once('data', (d: Buffer) => {
      resolve(d);
      s.destroy();
    })));
    const client = tlsConnect({ host: '127.0.0.1', port: (capture.address() as AddressInfo).port, rejectUnauthorized: false });
    client.on('error', () => {});
    return await hello;
  } finally {
    capture.close();
  }
}
