// Misbehaving connections on the client ports of one app (an http and an https listener) while a
// client keeps writing through both: plain text to the TLS port, a TLS ClientHello to the plain
// port, a handshake cut short, a connection that never says anything, and one that sends its
// headers a byte at a time. Each is dropped or left to its timeout without harm; the writes go on,
// and nothing surfaces as an unhandled error (vitest fails the run on one).
import { rmSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { ClientListeners, HANDSHAKE_TIMEOUT_MS } from '../../bin/client-listeners.js';
import { FileMaterial } from '../../src/tls/file-material.js';
import { systemClock } from '../../src/server/seams.js';
import { StoreMember } from '../api/support/store-member.js';
import { makeCa } from '../support/certs.js';
import type { CertFiles, TestCa } from '../support/certs.js';
import { clientHello, closedWithin, rawExchange, tcpTo } from './support/raw-socket.js';
import { send } from './support/tls-request.js';

/** How long past the handshake timeout a dropped connection may take to be seen closed on a busy machine. */
const SLACK_MS = 10_000;

let ca: TestCa;
let client: CertFiles;
let listeners: ClientListeners;
let material: FileMaterial;
let closeApp: () => Promise<void>;
let httpUrl: string;
let httpsUrl: string;

beforeAll(async () => {
  ca = makeCa();
  const server = ca.issue('server');
  client = ca.issue('client');
  const app = buildApp(new StoreMember(), { maxBodyBytes: 1 << 20, version: '3.4.23', logger: pino({ level: 'silent' }) });
  await app.ready();
  closeApp = () => app.close();
  material = new FileMaterial({ files: { certFile: server.cert, keyFile: server.key, trustedCaFile: ca.cert }, clock: systemClock, warn: () => {} });
  listeners = await ClientListeners.open({
    app,
    urls: ['http://127.0.0.1:0', 'https://127.0.0.1:0'],
    tls: { material, clientCertAuth: true },
    logger: pino({ level: 'silent' }),
  });
  const [plain, secure] = listeners.addresses();
  httpUrl = `http://127.0.0.1:${plain!.port}`;
  httpsUrl = `https://127.0.0.1:${secure!.port}`;
});

afterAll(async () => {
  await listeners?.close();
  await closeApp?.();
  material?.close();
  rmSync(ca.dir, { recursive: true, force: true });
});

/** Writes through both listeners until `stop` resolves; counts what succeeded and what failed. */
async function keepWriting(stop: Promise<unknown>): Promise<{ ok: number; failed: string[] }> {
  let done = false;
  void stop.finally(() => (done = true)).catch(() => {});
  const tally = { ok: 0, failed: [] as string[] };
  for (let i = 0; !done; i++) {
    for (const base of [httpUrl, httpsUrl]) {
      try {
        const answer = await send(`${base}/v2/keys/chaos`, { ca: ca.cert, client }, { method: 'PUT', body: `value=${i}` });
        if (answer.status === 200 || answer.status === 201) tally.ok++;
        else tally.failed.push(`${base}: ${answer.status} ${answer.body}`);
      } catch (err) {
        tally.failed.push(`${base}: ${(err as Error).message}`);
      }
    }
  }
  return tally;
}

describe('handshake chaos on the client ports', { timeout: HANDSHAKE_TIMEOUT_MS + 4 * SLACK_MS }, () => {
  it('drops every bad connection and keeps serving the writer', async () => {
    const hello = await clientHello();
    const chaos = (async () => {
      // Plain text to the TLS port: the handshake fails, the connection is closed with at most a
      // TLS alert (a record of type 21), never an HTTP answer.
      const tlsPort = httpsUrl.replace('https:', 'http:');
      expect(await rawExchange(tlsPort, 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^(\x15\x03[\x01-\x04][\s\S]*)?$/);
      // Random bytes to both.
      expect(await rawExchange(tlsPort, Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 1, 2, 3]))).toMatch(/^(\x15\x03[\x01-\x04][\s\S]*)?$/);
      expect(await rawExchange(httpUrl, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 13, 10, 13, 10]))).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      // A TLS ClientHello to the plain port: not HTTP, so Go's 400 and the connection closed.
      expect(await rawExchange(httpUrl, hello)).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      // A ClientHello cut short, then silence; and a connection that never sends a byte: both
      // dropped by the handshake timeout.
      const truncated = await tcpTo(httpsUrl);
      truncated.write(hello.subarray(0, 40));
      const silent = await tcpTo(httpsUrl);
      // Headers a byte at a time after a good handshake: the writer is not held up by it.
      const slow = await tcpTo(httpUrl);
      const drip = setInterval(() => slow.writable && slow.write('X'), 200);
      slow.write('GET /version HTTP/1.1\r\nX-Slow: ');
      const [truncatedClosed, silentClosed] = await Promise.all([
        closedWithin(truncated, HANDSHAKE_TIMEOUT_MS + SLACK_MS),
        closedWithin(silent, HANDSHAKE_TIMEOUT_MS + SLACK_MS),
      ]);
      clearInterval(drip);
      slow.destroy();
      expect(truncatedClosed, 'a truncated handshake is dropped by the handshake timeout').toBe(true);
      expect(silentClosed, 'a silent connection to the TLS port is dropped by the handshake timeout').toBe(true);
    })();
    const writes = await keepWriting(chaos);
    await chaos;
    expect(writes.failed).toEqual([]);
    expect(writes.ok).toBeGreaterThan(10);
    expect((await send(`${httpsUrl}/version`, { ca: ca.cert, client })).status).toBe(200);
  });
});
