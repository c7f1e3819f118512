// A snapshot's bytes are kept by raft until the next snapshot; packing one must leave neither a
// view into msgpackr's shared scratch buffer nor that buffer grown to the snapshot's size.
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeSnapshotData, encodeSnapshotData } from '../../src/server/snapshot-data.js';
import type { SnapshotData } from '../../src/server/snapshot-data.js';

const MiB = 1024 * 1024;

function bigSnapshot(): SnapshotData {
  const store = new Uint8Array(4 * MiB).map((_, i) => i % 251);
  return { store, members: { members: [{ id: 'm1', name: 'm1', peerURLs: ['http://m1:2380'], clientURLs: [] }], removed: [] } };
}

describe('encodeSnapshotData', () => {
  it('round-trips the snapshot', () => {
    const data = bigSnapshot();
    const decoded = decodeSnapshotData(encodeSnapshotData(data));
    expect(Buffer.compare(Buffer.from(decoded.store), Buffer.from(data.store))).toBe(0);
    expect(decoded.members).toEqual(data.members);
  });

  it('returns bytes of their own and leaves msgpackr packing into a small buffer again', () => {
    const bytes = encodeSnapshotData(bigSnapshot());
    expect(bytes.byteLength).toBeGreaterThan(4 * MiB);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    // Any Packr shares the scratch buffer: the next small pack must not land in a 4+ MiB one.
    const next = new Packr({ useRecords: false }).pack({ kind: 'sync', time: 1 });
    expect(next.buffer.byteLength).toBeLessThan(MiB);
    // Callers (the log's record codec, peer frames) use Buffer methods on what msgpackr packs.
    expect(Buffer.isBuffer(next)).toBe(true);
  });
});
