import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { clientHello } from '../../bench/harness/client-hello.js';
import { waitFor } from '../../bench/harness/wait.js';
import { encodeFrame } from '../../src/transport/frame-codec.js';
import { PROTOCOL_VERSION } from '../../src/transport/wire.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import type { CertFiles, TestCa } from '../support/certs.js';
import { heartbeat, patternBytes, transportFixture } from './helpers.js';
import type { TestMember } from './helpers.js';
import { clusterCerts, peerTls, SwappableMaterial } from './tls-fixture.js';

const fx = transportFixture();
const HANDSHAKE_MS = 400;

let ca: TestCa;
let certs: Record<string, CertFiles>;
let tlsHello: Buffer;
beforeAll(async () => {
  ({ ca, certs } = clusterCerts(['a', 'b', 'intruder']));
  tlsHello = await clientHello();
});

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

/** Writes `bytes` one at a time, 20 ms apart, for as long as the connection lasts. */
function trickle(socket: Socket, bytes: Uint8Array): void {
  let i = 0;
  const timer = setInterval(() => (i < bytes.length ? socket.write(bytes.subarray(i, ++i)) : clearInterval(timer)), 20);
  socket.once('close', () => clearInterval(timer));
  onTestFinished(() => clearInterval(timer));
}

/** b sends a numbered heartbeat to a every 5 ms until stopped; returns how many it sent. */
function steadyFlow(b: TestMember): () => number {
  let seq = 0;
  const timer = setInterval(() => b.transport.send([heartbeat('b', 'a', seq++)]), 5);
  onTestFinished(() => clearInterval(timer));
  return () => (clearInterval(timer), seq);
}

/** A TLS connection that completes its handshake with a good certificate, then says nothing of use. */
async function authenticatedTls(url: string): Promise<Socket> {
  const material = new SwappableMaterial({ cert: certs.intruder, ca: [ca.cert] });
  const socket = connectTls({ host: '127.0.0.1', port: Number(new URL(url).port), ...material.current() }).on('error', () => {});
  onTestFinished(() => void socket.destroy());
  await new Promise((resolve) => socket.once('secureConnect', resolve));
  socket.resume();
  return socket;
}

/** A frame header announcing more than will ever come: the rest trickles in for good. */
const endlessFrame = Buffer.concat([Buffer.from([0, 0, 0x10, 0]), patternBytes(4096)]);
const earlyHello = encodeFrame({ t: 'hello', v: PROTOCOL_VERSION, purpose: 'stream', clusterId: 'cluster-1', from: 'zz', to: 'a' });

describe.each(['tls', 'plain'] as const)('hostile connections to a %s peer port', (kind) => {
  async function steadyPair(): Promise<[TestMember, TestMember]> {
    const limits = { handshakeTimeoutMs: HANDSHAKE_MS };
    const [a, b] = await fx.cluster(['a', 'b'], (id) => ({ limits, ...(kind === 'tls' && { tls: peerTls(ca, certs[id]) }) }));
    // Redials are quick, so even a first handshake that misses the short deadline on a busy machine soon succeeds.
    await waitFor('b linked to a', () => b!.transport.peerStats('a')!.active, LOOPBACK_WAIT_MS);
    return [a!, b!];
  }

  it('drops garbage, the other protocol, truncated and trickled handshakes and silent connections, while messages keep flowing', async () => {
    const [a, b] = await steadyPair();
    const failuresBefore = b.transport.peerStats('a')!.connectionFailures;
    const stop = steadyFlow(b);
    const attacks: Socket[] = [];
    const attack = async (bytes?: Uint8Array, slowly = false) => {
      const socket = await fx.dial(a.url);
      attacks.push(socket);
      if (bytes && slowly) trickle(socket, bytes);
      else if (bytes) socket.write(bytes);
    };
    await attack(patternBytes(8192, 3)); // garbage
    await attack(patternBytes(8192, 3)); // the same garbage again: logged once
    await attack(Buffer.from('GET /raft/stream HTTP/1.1\r\nHost: a\r\n\r\n'));
    await attack(tlsHello); // a TLS hello: right on a TLS port, the other protocol on a plain one
    await attack(tlsHello.subarray(0, 40)); // a handshake cut short
    await attack(); // half-open: connects, never speaks
    await attack(kind === 'tls' ? tlsHello : endlessFrame, true); // slowloris
    if (kind === 'tls') {
      // Through TLS with a good certificate, then stalling in the peer protocol.
      const inside = await authenticatedTls(a.url);
      attacks.push(inside);
      trickle(inside, endlessFrame);
    }
    const receivedBefore = a.received.length;
    // The handshake timeouts are deadlines: the trickles alone would go on for over a minute.
    let allClosed = false;
    void Promise.all(attacks.map(closed)).then(() => (allClosed = true));
    await waitFor('every hostile connection dropped', () => allClosed, LOOPBACK_WAIT_MS);
    expect(a.received.length).toBeGreaterThan(receivedBefore);

    const sent = stop();
    await waitFor(`all ${sent} heartbeats from b`, () => a.received.length === sent, LOOPBACK_WAIT_MS);
    expect(a.received.map((m) => m.commit)).toEqual([...Array(sent).keys()]);
    expect(b.transport.peerStats('a')!.connectionFailures).toBe(failuresBefore);
    expect(a.logs.filter((l) => l.level === 'error')).toEqual([]);
    if (kind === 'tls') {
      const failures = a.logs.filter((l) => l.msg === 'TLS handshake with a peer failed').map((l) => String(l.obj.err));
      expect(new Set(failures).size).toBe(failures.length);
      expect(failures.some((err) => /timeout/i.test(err))).toBe(true);
    }
  });

  it('survives a burst of connections that reset at once', async () => {
    const [a, b] = await steadyPair();
    const failuresBefore = b.transport.peerStats('a')!.connectionFailures;
    const stop = steadyFlow(b);
    const dials = Array.from({ length: 50 }, async (_, i) => {
      const socket = await fx.dial(a.url);
      socket.write(i % 2 ? tlsHello.subarray(0, 100) : earlyHello.subarray(0, 5));
      socket.resetAndDestroy();
    });
    await Promise.all(dials);
    const sent = stop();
    await waitFor(`all ${sent} heartbeats from b`, () => a.received.length === sent, LOOPBACK_WAIT_MS);
    expect(b.transport.peerStats('a')!.connectionFailures).toBe(failuresBefore);
  });
});
