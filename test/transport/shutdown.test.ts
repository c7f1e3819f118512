import { createHook } from 'node:async_hooks';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { ask, freeUrl, heartbeat, patternBytes, snapMessage, transportFixture } from './helpers.js';
import { clusterCerts, peerTls } from './tls-fixture.js';

const fx = transportFixture();

/** Sockets, listeners, dials and timers created while it is enabled and not yet destroyed. */
function handleTracker() {
  const kinds = new Set(['TCPWRAP', 'TCPSERVERWRAP', 'TCPCONNECTWRAP', 'Timeout']);
  const live = new Map<number, string>();
  const hook = createHook({
    init: (id, type) => void (kinds.has(type) && live.set(id, type)),
    destroy: (id) => void live.delete(id),
  }).enable();
  return {
    live: () => [...live.values()].sort(),
    disable: () => void hook.disable(),
  };
}

describe('stopping', () => {
  it('stop() leaves no socket, listener or timer behind, whatever was under way', async () => {
    const handles = handleTracker();
    onTestFinished(handles.disable);
    const a = await fx.member('a', { onRequest: () => new Promise(() => {}) });
    const [b, c] = await fx.cluster(['b', 'c'], { limits: { snapshotChunkBytes: 64 * 1024, snapshotWindowChunks: 1 } });
    await a.transport.start();
    b!.transport.addPeer('a', [a.url]);
    b!.transport.addPeer('dead', [await freeUrl()]);
    await waitFor('connected', () => b!.transport.peerStats('a')!.active && b!.transport.peerStats('c')!.active, LOOPBACK_WAIT_MS);
    await waitFor('a peer in backoff', () => b!.unreachable.includes('dead'), LOOPBACK_WAIT_MS);

    const pending = ask(b!, [a.url], 'members', null, 10_000).catch((e: unknown) => e);
    b!.transport.send([heartbeat('b', 'c', 1), heartbeat('b', 'a', 1), snapMessage('b', 'c', patternBytes(4 * 1024 * 1024))]);
    // One turn: the snapshot's first chunk is written, and 63 more wait on acknowledgements.
    await new Promise((r) => setImmediate(r));
    expect(b!.transport.peerStats('c')!.bytesSent).toBeGreaterThan(64 * 1024);
    expect(handles.live().filter((k) => k === 'TCPSERVERWRAP')).toHaveLength(3);
    expect(handles.live().filter((k) => k === 'TCPWRAP').length).toBeGreaterThanOrEqual(4);

    await Promise.all([a, b!, c!].map((m) => m.transport.stop()));
    expect(await pending).toBeInstanceOf(Error);
    // Long enough for any reconnect timer (at most 50 ms here) to have fired and dialed again.
    await sleep(150);
    await new Promise((r) => setImmediate(r)); // the sleep's own timer is reported destroyed after it fires
    expect(handles.live()).toEqual([]);
    expect(b!.snapshotStatus).toEqual([]);
  });

  it('stop() cuts TLS connections too, even one still in its handshake, without waiting for its timeout', async () => {
    const { ca, certs } = clusterCerts(['a', 'b']);
    const handles = handleTracker();
    onTestFinished(handles.disable);
    const [a, b] = await fx.cluster(['a', 'b'], (id) => ({ tls: peerTls(ca, certs[id]), limits: { handshakeTimeoutMs: 60_000 } }));
    b!.transport.send([heartbeat('b', 'a', 1)]);
    await waitFor('b reaching a over TLS', () => a!.received.length === 1, LOOPBACK_WAIT_MS);
    const stalled = await fx.dial(a!.url);
    stalled.write(Buffer.from([0x16, 0x03, 0x01, 0x01, 0x00])); // a TLS record header, and nothing after it
    const started = Date.now();
    await Promise.all([a!, b!].map((m) => m.transport.stop()));
    expect(Date.now() - started).toBeLessThan(LOOPBACK_WAIT_MS);
    stalled.destroy();
    await sleep(150);
    await new Promise((r) => setImmediate(r));
    expect(handles.live()).toEqual([]);
  });

  it('sends nothing and dials nobody after stop()', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await a!.transport.stop();
    a!.transport.addPeer('c', [b!.url]);
    a!.transport.send([heartbeat('a', 'b', 1)]);
    await sleep(30);
    expect(b!.received).toEqual([]);
    expect(a!.transport.peerStats('c')).toBeUndefined();
  });
});
