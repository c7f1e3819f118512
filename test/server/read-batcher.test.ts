import { describe, expect, it } from 'vitest';
import type { EtcdError } from '../../src/store/types.js';
import { LeaderTracker } from '../../src/server/leader-tracker.js';
import { ReadBatcher } from '../../src/server/read-batcher.js';
import { FakeClock } from '../support/fake-clock.js';

function batcher(prefix: string, asked: string[], applied = { index: 0 }, clock = new FakeClock()): ReadBatcher {
  return new ReadBatcher({
    clock,
    contextPrefix: prefix,
    requestReadIndex: (ctx) => asked.push(Buffer.from(ctx).toString()),
    appliedIndex: () => applied.index,
    roundTimeoutMs: 60_000,
    requestTimeoutMs: 60_000,
    contact: new LeaderTracker(clock, { electionTimeoutMs: 1000, term: () => 1 }),
  });
}

describe('quorum reads batched into ReadIndex rounds', () => {
  it('two members never ask the leader with the same context', () => {
    const asked: string[] = [];
    const a = batcher('member-a', asked);
    const b = batcher('member-b', asked);
    const pending = [a.read(), b.read()].map((p) => p.catch(() => undefined));
    expect(asked).toHaveLength(2);
    expect(new Set(asked).size).toBe(2);
    a.failAll(new Error('done'));
    b.failAll(new Error('done'));
    return Promise.all(pending);
  });

  it('one round serves every read queued while it was in flight, once applied reaches its index', async () => {
    const asked: string[] = [];
    const applied = { index: 4 };
    const reads = batcher('m', asked, applied);
    const first = reads.read();
    const queued = [reads.read(), reads.read()];
    expect(asked).toHaveLength(1);
    reads.onReadState(Buffer.from(asked[0]!), 3);
    await first;
    expect(asked).toHaveLength(2);
    let served = false;
    void Promise.all(queued).then(() => (served = true));
    reads.onReadState(Buffer.from(asked[1]!), 9);
    await Promise.resolve();
    expect(served).toBe(false);
    applied.index = 9;
    reads.onApplied(9);
    await Promise.all(queued);
    expect(served).toBe(true);
  });

  it('a member that finds itself cut off from the quorum fails the reads it holds, and new ones at once, with etcd\'s connection-lost timeout', async () => {
    const clock = new FakeClock();
    const asked: string[] = [];
    const reads = batcher('m', asked, { index: 0 }, clock);
    const held = reads.read().catch((e: unknown) => e);
    expect(asked).toHaveLength(1);
    // No leader was ever known: the member counts itself cut off after three election timeouts.
    await clock.advance(2999);
    let settled = false;
    void held.then(() => (settled = true));
    await clock.settle();
    expect(settled).toBe(false);
    await clock.advance(1);
    const connectionLost = { errorCode: 300, cause: 'etcdserver: request timed out, possibly due to connection lost' };
    expect(((await held) as EtcdError).toJSON()).toMatchObject(connectionLost);
    const late = await reads.read().catch((e: unknown) => e);
    expect((late as EtcdError).toJSON()).toMatchObject(connectionLost);
    expect(asked).toHaveLength(1);
  });

  it("ignores a read state for another member's context", async () => {
    const asked: string[] = [];
    const reads = batcher('m1', asked);
    let served = false;
    const read = reads.read().then(() => (served = true));
    reads.onReadState(Buffer.from('m2:1'), 0);
    await Promise.resolve();
    expect(served).toBe(false);
    reads.onReadState(Buffer.from(asked[0]!), 0);
    await read;
    expect(served).toBe(true);
  });
});
