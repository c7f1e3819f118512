import { describe, expect, it } from 'vitest';
import { freeUrl, heartbeat, patternBytes, sleep, snapMessage, transportFixture, waitFor } from './helpers.js';

const fx = transportFixture();

const KINDS = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'Immediate'] as const;

/** How many sockets, listeners and timers are alive in this process, by kind. */
function liveHandles(): Record<(typeof KINDS)[number], number> {
  const live = process.getActiveResourcesInfo();
  return Object.fromEntries(KINDS.map((k) => [k, live.filter((r) => r === k).length])) as Record<(typeof KINDS)[number], number>;
}

/** No more of any kind than before (the test runner's own timers come and go). */
function backTo(baseline: ReturnType<typeof liveHandles>): boolean {
  const now = liveHandles();
  return KINDS.every((k) => now[k] <= baseline[k]);
}

describe('stopping', () => {
  it('stop() leaves no socket, listener or timer behind, whatever was under way', async () => {
    const baseline = liveHandles();
    const a = await fx.member('a', { onRequest: () => new Promise(() => {}) });
    const [b, c] = await fx.cluster(['b', 'c'], { limits: { snapshotChunkBytes: 64 * 1024, snapshotWindowChunks: 1 } });
    await a.transport.start();
    b!.transport.addPeer('a', [a.url]);
    b!.transport.addPeer('dead', [await freeUrl()]);
    await waitFor(() => b!.transport.peerStats('a')!.active && b!.transport.peerStats('c')!.active, 'connected');
    await waitFor(() => b!.unreachable.includes('dead'), 'a peer in backoff');

    const pending = b!.transport.request([a.url], 'members', null, 10_000).catch((e: unknown) => e);
    b!.transport.send([heartbeat('b', 'c', 1), heartbeat('b', 'a', 1), snapMessage('b', 'c', patternBytes(8 * 1024 * 1024))]);
    await waitFor(() => c!.transport.peerStats('b')!.bytesReceived > 100_000, 'snapshot under way');
    expect(liveHandles().TCPSocketWrap).toBeGreaterThan(baseline.TCPSocketWrap);
    expect(liveHandles().TCPServerWrap).toBe(baseline.TCPServerWrap + 3);

    await Promise.all([a, b!, c!].map((m) => m.transport.stop()));
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(() => backTo(baseline), 'handles released');
    await sleep(150);
    expect(liveHandles()).toMatchObject({ TCPSocketWrap: baseline.TCPSocketWrap, TCPServerWrap: baseline.TCPServerWrap });
    expect(backTo(baseline)).toBe(true);
    expect(b!.snapshotStatus).toEqual([]);
  });

  it('sends nothing and dials nobody after stop()', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await a!.transport.stop();
    a!.transport.addPeer('c', [b!.url]);
    a!.transport.send([heartbeat('a', 'b', 1)]);
    await expect(a!.transport.request([b!.url], 'x', null, 100)).rejects.toThrow(/stopped/);
    await sleep(30);
    expect(b!.received).toEqual([]);
    expect(a!.transport.peerStats('c')).toBeUndefined();
  });
});
