import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { encodeFrame, MAX_FRAME_BYTES } from '../../src/transport/frame-codec.js';
import { MAX_HELLO_BYTES } from '../../src/transport/inbound-connection.js';
import { PROTOCOL_VERSION } from '../../src/transport/wire.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { heartbeat, transportFixture } from './helpers.js';
import type { TestMember } from './helpers.js';

const fx = transportFixture();

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

/** b keeps talking to a throughout, to show that a bad connection costs a nothing else. */
async function healthyPair(): Promise<[TestMember, TestMember]> {
  const [a, b] = await fx.cluster(['a', 'b']);
  b!.transport.send([heartbeat('b', 'a', 1)]);
  await waitFor('first message', () => a!.received.length === 1, LOOPBACK_WAIT_MS);
  return [a!, b!];
}

async function stillDelivers(a: TestMember, b: TestMember): Promise<void> {
  const before = a.received.length;
  b.transport.send([heartbeat('b', 'a', 2)]);
  await waitFor('delivery on the healthy connection', () => a.received.length === before + 1, LOOPBACK_WAIT_MS);
}

describe('connections the listener refuses or drops', () => {
  it('refuses a peer from another cluster, logging it once, while the refused side backs off and retries', async () => {
    const [a] = await fx.cluster(['a']);
    const x = await fx.member('x', { clusterId: 'other-cluster' });
    x.transport.addPeer('a', [a!.url]);
    await waitFor('several refused dials', () => x.transport.peerStats('a')!.connectionFailures >= 3, LOOPBACK_WAIT_MS);
    x.transport.send([heartbeat('x', 'a', 1)]);
    await sleep(30);
    expect(a!.received).toEqual([]);
    const refusedAt = a!.logs.filter((l) => l.msg === 'refused peer connection');
    expect(refusedAt).toHaveLength(1);
    expect(refusedAt[0]!.obj.reason).toBe('cluster ID mismatch: local cluster-1, remote other-cluster');
    const refusedBy = x.logs.filter((l) => l.msg === 'peer refused the connection');
    expect(refusedBy).toHaveLength(1);
    expect(x.transport.peerStats('a')!.active).toBe(false);
    expect(x.unreachable).toContain('a');
  });

  it('refuses a dialer that meant another member', async () => {
    const [a, c] = await fx.cluster(['a', 'c']);
    a!.transport.addPeer('b', [c!.url]);
    await waitFor('refusal', () => a!.logs.some((l) => l.msg === 'peer refused the connection'), LOOPBACK_WAIT_MS);
    expect(a!.logs.find((l) => l.msg === 'peer refused the connection')!.obj.reason).toBe('member b is not this member (c)');
  });

  // A hello is a few dozen bytes, so the opening frame is held to MAX_HELLO_BYTES, far below the
  // limit for frames from a peer that said hello.
  it.each([
    ['over the frame size limit', MAX_FRAME_BYTES + 1],
    ['larger than any hello', MAX_HELLO_BYTES + 1],
  ])('drops a stranger whose opening frame is %s before buffering it, and only that connection', async (_what, size) => {
    const [a, b] = await healthyPair();
    const raw = await fx.dial(a.url);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(size);
    raw.write(header);
    await closed(raw);
    expect(a.logs.find((l) => l.msg === 'dropping peer connection after a bad frame')!.obj.err).toMatch(`exceeds ${MAX_HELLO_BYTES}`);
    await stillDelivers(a, b);
  });

  it.each([
    ['an HTTP request', Buffer.from('GET /raft/stream HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['an undecodable payload', Buffer.from([0, 0, 0, 3, 0xc1, 0xc1, 0xc1])],
    ['a message batch before any hello', encodeFrame({ t: 'msgs', msgs: [] })],
    ['a hello that is not a map of strings', encodeFrame({ t: 'hello', v: PROTOCOL_VERSION, purpose: 'stream', clusterId: 1, from: 'z', to: 'a' })],
  ])('drops a connection that sends %s, and only that one', async (_what, bytes) => {
    const [a, b] = await healthyPair();
    const raw = await fx.dial(a.url);
    raw.write(bytes);
    await closed(raw);
    await stillDelivers(a, b);
  });

  it('drops a connection that says nothing within the handshake timeout', async () => {
    const [a] = await fx.cluster(['a'], { limits: { handshakeTimeoutMs: 100 } });
    const raw = await fx.dial(a!.url);
    const started = Date.now();
    await closed(raw);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('drops a garbled message batch on an accepted stream without delivering any of it', async () => {
    const [a] = await fx.cluster(['a']);
    const raw = await fx.dial(a!.url);
    raw.write(encodeFrame({ t: 'hello', v: PROTOCOL_VERSION, purpose: 'stream', clusterId: 'cluster-1', from: 'z', to: 'a' }));
    raw.write(encodeFrame({ t: 'msgs', msgs: [heartbeat('z', 'a', 1), { type: 'bogus' }] }));
    await closed(raw);
    expect(a!.received).toEqual([]);
  });
});
