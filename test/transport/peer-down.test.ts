import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { encodeFrame } from '../../src/transport/frame-codec.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { transportFixture } from './helpers.js';

const fx = transportFixture();

/** A stand-in peer that welcomes its first connection and cuts it at once; `later` plays every later one. */
function cutsFirstConnection(later: (socket: Socket) => void): (socket: Socket) => void {
  let connections = 0;
  return (socket) => {
    socket.resume();
    if (++connections > 1) return later(socket);
    socket.write(encodeFrame({ t: 'welcome' }));
    setTimeout(() => socket.destroy(), 50);
  };
}

describe('telling a peer whose process is gone from a connection that broke', () => {
  it('reports a peer down once when its connection closes and the redial is refused, and again after it came back and went again', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await waitFor('a connected to b', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    await b!.transport.stop(); // its listener and connections close, as a dead process's would
    await waitFor('b reported down', () => a!.down.length > 0, LOOPBACK_WAIT_MS);
    expect(a!.down).toEqual(['b']);
    expect(a!.logs.filter((l) => l.msg === 'peer lost: its connection closed and a redial failed')).toHaveLength(1);
    // Later failed redials are the same loss, not new ones.
    await waitFor('several more refused redials', () => a!.transport.peerStats('b')!.connectionFailures >= 4, LOOPBACK_WAIT_MS);
    expect(a!.down).toEqual(['b']);

    const b2 = await fx.member('b', { url: b!.url });
    await b2.transport.start();
    await waitFor('a reconnected to the restarted b', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    await b2.transport.stop();
    await waitFor('b reported down a second time', () => a!.down.length > 1, LOOPBACK_WAIT_MS);
    expect(a!.down).toEqual(['b', 'b']);
  });

  it('reports nothing when the redial after a broken connection is welcomed', async () => {
    // A generous bound: a welcome that is merely slow on a busy machine must not count as down.
    const [a] = await fx.cluster(['a'], { limits: { lossProbeMs: LOOPBACK_WAIT_MS } });
    const url = await fx.rawPeer(cutsFirstConnection((socket) => socket.write(encodeFrame({ t: 'welcome' }))));
    a!.transport.addPeer('x', [url]);
    await waitFor('connected, cut, and connected again', () => a!.active.length === 3, LOOPBACK_WAIT_MS);
    expect(a!.active.map((e) => e.active)).toEqual([true, false, true]);
    expect(a!.down).toEqual([]);
  });

  it('reports nothing when the redial is refused by the peer itself: a refusal is an answer', async () => {
    const [a] = await fx.cluster(['a'], { limits: { lossProbeMs: LOOPBACK_WAIT_MS } });
    let refusals = 0;
    const url = await fx.rawPeer(cutsFirstConnection((socket) => {
      refusals++;
      socket.end(encodeFrame({ t: 'refuse', reason: 'cluster ID mismatch' }));
    }));
    a!.transport.addPeer('x', [url]);
    await waitFor('two refused redials', () => refusals >= 2, LOOPBACK_WAIT_MS);
    expect(a!.down).toEqual([]);
  });

  it('reports a peer down when the redial is accepted but not answered within the bound', async () => {
    const [a] = await fx.cluster(['a'], { limits: { lossProbeMs: 100 } });
    const url = await fx.rawPeer(cutsFirstConnection(() => {}));
    a!.transport.addPeer('x', [url]);
    await waitFor('x reported down', () => a!.down.length > 0, LOOPBACK_WAIT_MS);
    expect(a!.down).toEqual(['x']);
    expect(a!.logs.find((l) => l.msg.startsWith('peer lost'))?.obj.reason).toBe('no answer to a redial within 100 ms');
  });

  it('does not report a peer it never reached', async () => {
    const [a] = await fx.cluster(['a']);
    const b = await fx.member('b');
    a!.transport.addPeer('b', [b.url]);
    await waitFor('several failed dials', () => a!.transport.peerStats('b')!.connectionFailures >= 3, LOOPBACK_WAIT_MS);
    await sleep(200);
    expect(a!.down).toEqual([]);
  });
});
