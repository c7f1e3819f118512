import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { MessageType } from '../../raft/types.js';
import { encodeFrame } from '../../src/transport/frame-codec.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { freeUrl, heartbeat, message, transportFixture } from './helpers.js';

const fx = transportFixture();

describe('peers that are down, come back, move or lag', () => {
  it('a send to a dead peer neither throws nor blocks, reports it unreachable, and other peers still receive', async () => {
    const [a, c] = await fx.cluster(['a', 'c']);
    const b = await fx.member('b');
    a!.transport.addPeer('b', [b.url]);
    const started = performance.now();
    for (let i = 0; i < 50; i++) a!.transport.send([heartbeat('a', 'b', i), heartbeat('a', 'c', i)]);
    expect(performance.now() - started).toBeLessThan(50);
    await waitFor('messages to c', () => c!.received.length === 50, LOOPBACK_WAIT_MS);
    await waitFor('b reported unreachable', () => a!.unreachable.includes('b'), LOOPBACK_WAIT_MS);
    const stats = a!.transport.peerStats('b')!;
    expect(stats.active).toBe(false);
    expect(stats.connectionFailures).toBeGreaterThan(0);
    expect(stats.messagesDropped).toBe(50);
    expect(a!.logs.filter((l) => l.msg === 'cannot reach peer; retrying with backoff')).toHaveLength(1);
  });

  it('delivers later messages once a dead peer comes up', async () => {
    const [a] = await fx.cluster(['a']);
    const b = await fx.member('b');
    a!.transport.addPeer('b', [b.url]);
    await waitFor('first dial fails', () => a!.unreachable.length > 0, LOOPBACK_WAIT_MS);
    await b.transport.start();
    await waitFor('redialed b', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    a!.transport.send([1, 2, 3].map((i) => heartbeat('a', 'b', i)));
    await waitFor('messages after reconnect', () => b.received.length === 3, LOOPBACK_WAIT_MS);
    expect(b.received.map((m) => m.commit)).toEqual([1, 2, 3]);
    expect(a!.active).toEqual([{ id: 'b', active: true }]);
  });

  it('notices a peer that goes away, and reaches it again after it restarts on the same URL', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await waitFor('connected', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    await b!.transport.stop();
    await waitFor('connection loss noticed', () => a!.active.some((e) => !e.active), LOOPBACK_WAIT_MS);
    a!.transport.send([heartbeat('a', 'b', 1)]);
    expect(a!.unreachable).toContain('b');
    const b2 = await fx.member('b', { url: b!.url });
    await b2.transport.start();
    await waitFor('reconnected', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    a!.transport.send([heartbeat('a', 'b', 2)]);
    await waitFor('delivery to the restarted peer', () => b2.received.length === 1, LOOPBACK_WAIT_MS);
    expect(b2.received[0]!.commit).toBe(2);
    expect(a!.active).toEqual([
      { id: 'b', active: true },
      { id: 'b', active: false },
      { id: 'b', active: true },
    ]);
  });

  it('dials a restarted peer as soon as it dials in, not when the backoff runs out', async () => {
    // A backoff far longer than the wait: only the peer's own dial can bring the link up in time.
    const slow = { limits: { reconnectMinMs: 120_000, reconnectMaxMs: 120_000 } };
    const [a] = await fx.cluster(['a'], slow);
    const b = await fx.member('b', slow);
    a!.transport.addPeer('b', [b.url]);
    await waitFor('first dial fails', () => a!.unreachable.length > 0, LOOPBACK_WAIT_MS);
    await b.transport.start();
    b.transport.addPeer('a', [a!.url]);
    await waitFor('a redialed b once b dialed in', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    a!.transport.send([heartbeat('a', 'b', 1)]);
    await waitFor('delivery to b', () => b.received.length === 1, LOOPBACK_WAIT_MS);
  });

  it('reaches a peer through whichever of its URLs listens', async () => {
    const [a] = await fx.cluster(['a']);
    const b = await fx.member('b');
    await b.transport.start();
    a!.transport.addPeer('b', [await freeUrl(), b.url]);
    await waitFor('connected through the second URL', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    a!.transport.send([heartbeat('a', 'b', 1)]);
    await waitFor('delivery', () => b.received.length === 1, LOOPBACK_WAIT_MS);
  });

  it('follows a peer to its new URL when it is added again with it', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await waitFor('connected', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    const moved = await fx.member('b');
    await moved.transport.start();
    a!.transport.addPeer('b', [moved.url]);
    await waitFor('reconnected at the new URL', () => a!.transport.peerStats('b')!.active && a!.active.length === 3, LOOPBACK_WAIT_MS);
    a!.transport.send([heartbeat('a', 'b', 7)]);
    await waitFor('delivery at the new URL', () => moved.received.length === 1, LOOPBACK_WAIT_MS);
    expect(b!.received).toEqual([]);
  });

  it('stops sending to a removed peer', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await waitFor('connected', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    a!.transport.removePeer('b');
    a!.transport.send([heartbeat('a', 'b', 1)]);
    await sleep(50);
    expect(b!.received).toEqual([]);
    expect(a!.transport.peerStats('b')).toBeUndefined();
  });

  it('bounds what waits for a peer that stops reading, dropping the oldest, while others keep up', async () => {
    // A peer that welcomes every dial and then reads nothing.
    const stuckUrl = await fx.rawPeer((socket) => {
      socket.write(encodeFrame({ t: 'welcome' }));
      socket.pause();
    });
    const limits = { maxSocketBufferBytes: 256 * 1024, maxQueuedMessages: 64 };
    const [a, c] = await fx.cluster(['a', 'c'], { limits });
    a!.transport.addPeer('stuck', [stuckUrl]);
    await waitFor('connected to the stuck peer', () => a!.transport.peerStats('stuck')!.active, LOOPBACK_WAIT_MS);
    const entry = (i: number) => ({ term: 1, index: i, type: 0 as const, data: new Uint8Array(64 * 1024) });
    for (let round = 0; round < 40; round++) {
      const toStuck = Array.from({ length: 20 }, (_, i) => message('a', 'stuck', MessageType.App, { index: round * 20 + i, entries: [entry(i)] }));
      a!.transport.send([...toStuck, heartbeat('a', 'c', round)]);
      await sleep(1);
    }
    await waitFor('messages to the healthy peer', () => c!.received.length === 40, LOOPBACK_WAIT_MS);
    const stats = a!.transport.peerStats('stuck')!;
    expect(stats.messagesDropped).toBeGreaterThan(0);
    expect(stats.messagesSent + stats.messagesDropped).toBeLessThanOrEqual(800);
    expect(stats.active).toBe(true);
  });
});
