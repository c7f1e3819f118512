import { describe, expect, it } from 'vitest';
import { MessageType } from '../../raft/types.js';
import { estimateMessageBytes, OutboundQueue } from '../../src/transport/outbound-queue.js';
import { encodeFrame } from '../../src/transport/frame-codec.js';
import { heartbeat, message } from './helpers.js';

describe('outbound queue', () => {
  it('drops the oldest messages beyond its message limit', () => {
    const q = new OutboundQueue({ maxMessages: 3, maxBytes: 1 << 20 });
    expect(q.push([1, 2].map((i) => heartbeat('a', 'b', i)))).toBe(0);
    expect(q.push([3, 4, 5].map((i) => heartbeat('a', 'b', i)))).toBe(2);
    expect(q.takeAll().map((m) => m.commit)).toEqual([3, 4, 5]);
    expect(q.takeAll()).toEqual([]);
  });

  it('drops the oldest messages beyond its byte limit but always keeps the newest', () => {
    const big = (i: number) => message('a', 'b', MessageType.App, { index: i, entries: [{ term: 1, index: i, type: 0, data: new Uint8Array(1000) }] });
    const q = new OutboundQueue({ maxMessages: 100, maxBytes: 2500 });
    expect(q.push([big(1), big(2), big(3)])).toBe(1);
    expect(q.takeAll().map((m) => m.index)).toEqual([2, 3]);
    const tiny = new OutboundQueue({ maxMessages: 100, maxBytes: 10 });
    expect(tiny.push([big(1), big(2)])).toBe(1);
    expect(tiny.takeAll().map((m) => m.index)).toEqual([2]);
  });

  it('estimates no less than a message really takes on the wire', () => {
    const m = message('8e9e05c52164694d', '91bc3c398fb3c146', MessageType.App, {
      term: 2 ** 40,
      logTerm: 2 ** 40,
      index: 2 ** 45,
      commit: 2 ** 45,
      rejectHint: 2 ** 45,
      context: new Uint8Array(20),
      entries: Array.from({ length: 50 }, (_, i) => ({ term: 2 ** 40, index: 2 ** 45 + i, type: 1 as const, data: new Uint8Array(i) })),
    });
    expect(estimateMessageBytes(m)).toBeGreaterThanOrEqual(encodeFrame(m).length);
  });
});
