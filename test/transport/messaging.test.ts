import { describe, expect, it } from 'vitest';
import { waitFor } from '../../bench/harness/wait.js';
import { MessageType } from '../../raft/types.js';
import type { Message } from '../../raft/types.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { heartbeat, message, transportFixture } from './helpers.js';

const fx = transportFixture();

function appendWith(from: string, to: string, index: number, data: Uint8Array): Message {
  return message(from, to, MessageType.App, { index, entries: [{ term: 1, index: index + 1, type: 0, data }], context: new Uint8Array([9, index & 0xff]) });
}

describe('message delivery', () => {
  it('delivers many messages from one send in order, in a single frame', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await waitFor('a connected to b', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    const msgs = Array.from({ length: 500 }, (_, i) => heartbeat('a', 'b', i));
    a!.transport.send(msgs);
    await waitFor('all messages', () => b!.received.length === 500, LOOPBACK_WAIT_MS);
    expect(b!.received.map((m) => m.commit)).toEqual(msgs.map((m) => m.commit));
    expect(a!.transport.peerStats('b')).toMatchObject({ framesSent: 1, messagesSent: 500 });
    expect(b!.transport.peerStats('a')!.messagesReceived).toBe(500);
    expect(b!.transport.peerStats('a')!.bytesReceived).toBe(a!.transport.peerStats('b')!.bytesSent);
  });

  it('coalesces the sends of one event-loop turn into one frame per peer', async () => {
    const [a, b, c] = await fx.cluster(['a', 'b', 'c']);
    await waitFor('a connected', () => a!.transport.peerStats('b')!.active && a!.transport.peerStats('c')!.active, LOOPBACK_WAIT_MS);
    for (let i = 0; i < 100; i++) a!.transport.send([heartbeat('a', 'b', i), heartbeat('a', 'c', i)]);
    await waitFor('all messages', () => b!.received.length === 100 && c!.received.length === 100, LOOPBACK_WAIT_MS);
    expect(b!.received.map((m) => m.commit)).toEqual([...Array(100).keys()]);
    expect(c!.received.map((m) => m.commit)).toEqual([...Array(100).keys()]);
    expect(a!.transport.peerStats('b')!.framesSent).toBe(1);
    expect(a!.transport.peerStats('c')!.framesSent).toBe(1);
  });

  it('writes a send marked flushNow before it returns, with whatever this turn had queued, in order', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    await waitFor('a connected to b', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    a!.transport.send([heartbeat('a', 'b', 1)]);
    expect(a!.transport.peerStats('b')!.framesSent).toBe(0);
    a!.transport.send([heartbeat('a', 'b', 2)], true);
    expect(a!.transport.peerStats('b')).toMatchObject({ framesSent: 1, messagesSent: 2 });
    await waitFor('both messages', () => b!.received.length === 2, LOOPBACK_WAIT_MS);
    expect(b!.received.map((m) => m.commit)).toEqual([1, 2]);
    // Nothing was left for the flush the first send had scheduled.
    await new Promise((resolve) => setImmediate(resolve));
    expect(a!.transport.peerStats('b')!.framesSent).toBe(1);
  });

  it('keeps entry data and contexts byte for byte, as Uint8Arrays', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    const payloads = [new Uint8Array(0), new Uint8Array([0, 255, 128]), new Uint8Array(70_000).map((_, i) => i % 251)];
    a!.transport.send(payloads.map((data, i) => appendWith('a', 'b', i, data)));
    await waitFor('appends', () => b!.received.length === 3, LOOPBACK_WAIT_MS);
    b!.received.forEach((m, i) => {
      expect(m.entries[0]!.data).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(m.entries[0]!.data).equals(Buffer.from(payloads[i]!))).toBe(true);
      expect([...m.context!]).toEqual([9, i]);
      expect(m).toMatchObject({ type: MessageType.App, from: 'a', to: 'b', index: i });
    });
  });

  it('carries messages both ways over the two members\' own connections', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    a!.transport.send([heartbeat('a', 'b', 1)]);
    b!.transport.send([message('b', 'a', MessageType.HeartbeatResp, { commit: 1 })]);
    await waitFor('both directions', () => a!.received.length === 1 && b!.received.length === 1, LOOPBACK_WAIT_MS);
    expect(a!.received[0]!.type).toBe(MessageType.HeartbeatResp);
    expect(b!.received[0]!.type).toBe(MessageType.Heartbeat);
    expect(a!.active).toEqual([{ id: 'b', active: true }]);
  });

  it('drops messages for a member that is not a peer without disturbing the others', async () => {
    const [a, b] = await fx.cluster(['a', 'b']);
    a!.transport.send([heartbeat('a', 'zz', 1), heartbeat('a', 'b', 2)]);
    await waitFor('message to b', () => b!.received.length === 1, LOOPBACK_WAIT_MS);
    expect(b!.received[0]!.commit).toBe(2);
    expect(a!.unreachable).toEqual([]);
  });
});
