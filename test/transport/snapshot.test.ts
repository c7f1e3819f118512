import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { MessageType } from '../../raft/types.js';
import { encodeFrame, FrameDecoder } from '../../src/transport/frame-codec.js';
import { parseFrame } from '../../src/transport/wire.js';
import type { Frame, SnapChunk } from '../../src/transport/wire.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { heartbeat, patternBytes, snapMessage, transportFixture } from './helpers.js';

const fx = transportFixture();
const MiB = 1024 * 1024;

/** A hand-driven receiver: welcomes the dial, records frames, acknowledges chunks only when told. */
function scriptedReceiver() {
  const frames: Frame[] = [];
  let socket: Socket | undefined;
  let received = 0;
  let autoAck = false;
  const ack = (sid: number) => socket!.write(encodeFrame({ t: 'snap-ack', sid, received }));
  return {
    frames,
    chunks: () => frames.filter((f): f is SnapChunk => f.t === 'chunk'),
    onSocket(s: Socket): void {
      socket = s;
      const decoder = new FrameDecoder();
      s.on('data', (bytes: Buffer) => {
        for (const value of decoder.push(bytes)) {
          const frame = parseFrame(value);
          frames.push(frame);
          if (frame.t === 'hello') s.write(encodeFrame({ t: 'welcome' }));
          if (frame.t === 'chunk') {
            received += frame.data.length;
            if (autoAck) ack(frame.sid);
          }
        }
      });
    },
    hangUp(): void {
      socket!.destroy();
    },
    /** Acknowledges everything so far and every chunk from now on. */
    ackFromNowOn(sid: number): void {
      autoAck = true;
      ack(sid);
    },
  };
}

describe('snapshots', () => {
  it('a snapshot of several MiB arrives intact, heartbeats alongside it too, and is reported sent', async () => {
    const [a, b] = await fx.cluster(['a', 'b'], { limits: { snapshotChunkBytes: 256 * 1024 } });
    const data = patternBytes(6 * MiB);
    a!.transport.send([heartbeat('a', 'b', 0), snapMessage('a', 'b', data, 4242), heartbeat('a', 'b', 1)]);
    for (let i = 2; !b!.received.some((m) => m.type === MessageType.Snap); i++) {
      a!.transport.send([heartbeat('a', 'b', i)]);
      await sleep(1);
    }
    await waitFor('snapshot status', () => a!.snapshotStatus.length === 1, LOOPBACK_WAIT_MS);
    expect(a!.snapshotStatus).toEqual([{ to: 'b', ok: true }]);
    const snap = b!.received.find((m) => m.type === MessageType.Snap)!;
    expect(snap.snapshot!.metadata).toEqual({ index: 4242, term: 3, confState: { voters: ['a', 'b'], learners: [] } });
    expect(snap.snapshot!.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(snap.snapshot!.data).equals(Buffer.from(data))).toBe(true);
    const beats = b!.received.filter((m) => m.type === MessageType.Heartbeat).map((m) => m.commit);
    expect(beats).toEqual([...beats.keys()]);
    expect(a!.transport.peerStats('b')).toMatchObject({ snapshotsSent: 1, snapshotsFailed: 0 });
  });

  it('streams a snapshot in chunks within a window, and heartbeats pass while the window is full', async () => {
    const receiver = scriptedReceiver();
    const url = await fx.rawPeer((s) => receiver.onSocket(s));
    const a = await fx.member('a');
    a.transport.addPeer('r', [url]);
    await waitFor('connected', () => a.transport.peerStats('r')!.active, LOOPBACK_WAIT_MS);
    const data = patternBytes(4 * MiB + 123);
    a.transport.send([snapMessage('a', 'r', data)]);
    await waitFor('a full window', () => receiver.chunks().length === 2, LOOPBACK_WAIT_MS);
    await sleep(30);
    expect(receiver.chunks()).toHaveLength(2);

    a.transport.send([heartbeat('a', 'r', 1)]);
    await waitFor('a heartbeat past the unacknowledged chunks', () => receiver.frames.some((f) => f.t === 'msgs'), LOOPBACK_WAIT_MS);
    expect(a.snapshotStatus).toEqual([]);

    const sid = (receiver.frames.find((f) => f.t === 'snap') as { sid: number }).sid;
    receiver.ackFromNowOn(sid);
    await waitFor('snapshot status', () => a.snapshotStatus.length === 1, LOOPBACK_WAIT_MS);
    expect(a.snapshotStatus).toEqual([{ to: 'r', ok: true }]);
    const chunks = receiver.chunks();
    expect(chunks.map((c) => c.data.length)).toEqual([MiB, MiB, MiB, MiB, 123]);
    expect(chunks.map((c) => c.offset)).toEqual([0, 1, 2, 3, 4].map((i) => i * MiB));
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(Buffer.from(data))).toBe(true);
  });

  it('reports a snapshot to a dead peer as failed', async () => {
    const [a] = await fx.cluster(['a']);
    a!.transport.addPeer('b', [(await fx.member('b')).url]);
    a!.transport.send([snapMessage('a', 'b', patternBytes(1000))]);
    await waitFor('snapshot status', () => a!.snapshotStatus.length === 1, LOOPBACK_WAIT_MS);
    expect(a!.snapshotStatus).toEqual([{ to: 'b', ok: false }]);
    expect(a!.transport.peerStats('b')!.snapshotsFailed).toBe(1);
  });

  it('reports a snapshot as failed when the receiver goes away in the middle', async () => {
    const receiver = scriptedReceiver();
    const url = await fx.rawPeer((s) => receiver.onSocket(s));
    const a = await fx.member('a');
    a.transport.addPeer('r', [url]);
    await waitFor('connected', () => a.transport.peerStats('r')!.active, LOOPBACK_WAIT_MS);
    a.transport.send([snapMessage('a', 'r', patternBytes(3 * MiB))]);
    await waitFor('transfer under way', () => receiver.chunks().length === 2, LOOPBACK_WAIT_MS);
    receiver.hangUp();
    await waitFor('snapshot status', () => a.snapshotStatus.length === 1, LOOPBACK_WAIT_MS);
    expect(a.snapshotStatus).toEqual([{ to: 'r', ok: false }]);
    expect(a.unreachable).toEqual(['r']);
  });

  it('gives up on a receiver that stops acknowledging, and redials it', async () => {
    const receiver = scriptedReceiver();
    const url = await fx.rawPeer((s) => receiver.onSocket(s));
    const a = await fx.member('a', { limits: { snapshotStallMs: 100 } });
    a.transport.addPeer('r', [url]);
    await waitFor('connected', () => a.transport.peerStats('r')!.active, LOOPBACK_WAIT_MS);
    a.transport.send([snapMessage('a', 'r', patternBytes(3 * MiB))]);
    await waitFor('snapshot status', () => a.snapshotStatus.length === 1, LOOPBACK_WAIT_MS);
    expect(a.snapshotStatus).toEqual([{ to: 'r', ok: false }]);
    await waitFor('dropped the stuck connection and redialed', () => a.active.length === 3, LOOPBACK_WAIT_MS);
    expect(a.transport.peerStats('r')!.connectionFailures).toBe(1);
  });

  it('a newer snapshot supersedes one still waiting for the connection', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    a!.transport.send([snapMessage('a', 'b', patternBytes(10), 1)]);
    a!.transport.send([snapMessage('a', 'b', patternBytes(20), 2)]);
    await waitFor('both statuses', () => a!.snapshotStatus.length === 2, LOOPBACK_WAIT_MS);
    expect(a!.snapshotStatus).toEqual([
      { to: 'b', ok: false },
      { to: 'b', ok: true },
    ]);
    expect(b!.received.map((m) => m.snapshot!.metadata.index)).toEqual([2]);
  });
});
