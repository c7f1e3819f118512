import { connect, createServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../../bench/harness/wait.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { makeCa } from '../support/certs.js';
import type { CertFiles, TestCa } from '../support/certs.js';
import { freeUrl, heartbeat, transportFixture } from './helpers.js';
import { peerTls, SwappableMaterial } from './tls-fixture.js';

const fx = transportFixture();

let ca: TestCa;
let oldCert: CertFiles;
let newCert: CertFiles;
let probe: CertFiles;
beforeAll(() => {
  ca = makeCa();
  oldCert = ca.issue('a-old');
  newCert = ca.issue('a-new');
  probe = ca.issue('probe');
});

/** The CN of the certificate a TLS listener presents to a new connection. */
async function presentedCn(url: string): Promise<string> {
  const socket: TLSSocket = connect({ host: '127.0.0.1', port: Number(new URL(url).port), ...probeOptions() });
  onTestFinished(() => void socket.destroy());
  await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  return socket.getPeerCertificate().subject.CN as string;
}

function probeOptions() {
  const material = new SwappableMaterial({ cert: probe, ca: [ca.cert] });
  return material.current();
}

/** A TLS listener that notes the CN of each dialer's client certificate and hangs up, so the dialer redials. */
async function cnRecorder(): Promise<{ url: string; cns: string[] }> {
  const cns: string[] = [];
  const server = createServer({ ...probeOptions(), requestCert: true, rejectUnauthorized: true }, (socket) => {
    cns.push(socket.getPeerCertificate().subject.CN as string);
    socket.destroy();
  });
  const url = await freeUrl('https');
  await new Promise<void>((resolve) => server.listen(Number(new URL(url).port), '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, cns };
}

describe('peer certificate rotation', () => {
  it('new inbound handshakes present the new certificate; a stream opened before keeps flowing', async () => {
    const material = new SwappableMaterial({ cert: oldCert, ca: [ca.cert] });
    const [a, b] = await fx.cluster(['a', 'b'], (id) => ({ tls: id === 'a' ? { ...peerTls(ca, oldCert), material } : peerTls(ca, probe) }));
    b!.transport.send([heartbeat('b', 'a', 1)]);
    await waitFor('b reaching a', () => a!.received.length === 1, LOOPBACK_WAIT_MS);
    expect(await presentedCn(a!.url)).toBe('a-old');

    material.swap({ cert: newCert, ca: [ca.cert] });
    expect(await presentedCn(a!.url)).toBe('a-new');
    b!.transport.send([heartbeat('b', 'a', 2)]);
    await waitFor('b reaching a on its old stream', () => a!.received.length === 2, LOOPBACK_WAIT_MS);
    expect(b!.transport.peerStats('a')!.connectionFailures).toBe(0);
    expect(a!.logs.some((l) => l.msg === 'peer TLS certificates reloaded')).toBe(true);
  });

  it('new dials present the new client certificate', async () => {
    const recorder = await cnRecorder();
    const material = new SwappableMaterial({ cert: oldCert, ca: [ca.cert] });
    const a = await fx.member('a', { tls: { ...peerTls(ca, oldCert), material } });
    a.transport.addPeer('r', [recorder.url]);
    await waitFor('a dial with the old certificate', () => recorder.cns.length > 0, LOOPBACK_WAIT_MS);
    material.swap({ cert: newCert, ca: [ca.cert] });
    const swappedAt = recorder.cns.length;
    await waitFor('a dial with the new certificate', () => recorder.cns.includes('a-new'), LOOPBACK_WAIT_MS);
    // A dial already under way at the swap may still carry the old one; every later dial carries the new.
    const firstNew = recorder.cns.indexOf('a-new');
    expect(firstNew).toBeLessThanOrEqual(swappedAt + 1);
    expect(recorder.cns.slice(firstNew).every((cn) => cn === 'a-new')).toBe(true);
    expect(recorder.cns[0]).toBe('a-old');
  });

  it('keeps the old certificate when the new files do not fit together, and says so', async () => {
    const material = new SwappableMaterial({ cert: oldCert, ca: [ca.cert] });
    const a = await fx.member('a', { tls: { ...peerTls(ca, oldCert), material } });
    await a.transport.start();
    material.swap({ cert: { cert: newCert.cert, key: oldCert.key }, ca: [ca.cert] });
    expect(a.logs.find((l) => l.msg === 'cannot use the new peer TLS certificates; keeping the old ones')).toBeDefined();
    expect(await presentedCn(a.url)).toBe('a-old');
  });

  it('stops listening for rotations when the transport stops', async () => {
    const material = new SwappableMaterial({ cert: oldCert, ca: [ca.cert] });
    const a = await fx.member('a', { tls: { ...peerTls(ca, oldCert), material } });
    await a.transport.start();
    expect(material.subscribers).toBe(1);
    await a.transport.stop();
    expect(material.subscribers).toBe(0);
  });
});
