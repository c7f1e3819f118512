import { describe, expect, it } from 'vitest';
import { ClusterClock } from '../../src/server/cluster-clock.js';

const T0 = Date.UTC(2026, 0, 1);

/** A member's clocks: monotonic time the test moves, and a wall clock `skewMs` off the true time T0 + monotonic. */
function memberClocks(skewMs: number): { clock: { now(): number; monotonic(): number }; advance(ms: number): void } {
  let mono = 0;
  return { clock: { now: () => T0 + mono + skewMs, monotonic: () => mono }, advance: (ms) => void (mono += ms) };
}

function clusterClock(skewMs: number, replayedThrough = 10): { cc: ClusterClock; advance(ms: number): void; announced: () => number } {
  const { clock, advance } = memberClocks(skewMs);
  let announced = 0;
  const cc = new ClusterClock({ clock, selfId: 'me', replayedThrough, announce: () => announced++ });
  return { cc, advance, announced: () => announced };
}

describe('the cluster clock', () => {
  it('runs on the member\'s wall clock until a SYNC says otherwise: the only anchor a fresh cluster has', () => {
    const { cc, advance } = clusterClock(5000);
    expect(cc.now()).toBe(T0 + 5000);
    advance(1500);
    expect(cc.now()).toBe(T0 + 6500);
  });

  it('before it has learned, a SYNC ahead of its wall clock moves it forward and one behind does not move it back', () => {
    const { cc, advance } = clusterClock(-60_000);
    cc.synced(T0);
    expect(cc.now()).toBe(T0);
    advance(2000);
    expect(cc.now()).toBe(T0 + 2000);
    const ahead = clusterClock(60_000);
    ahead.cc.synced(T0);
    expect(ahead.cc.now()).toBe(T0 + 60_000);
  });

  it('once its own publication at this start has applied, the next SYNC sets its time even when behind its wall clock', () => {
    const { cc, advance, announced } = clusterClock(60_000);
    cc.published('me', 11);
    expect(announced()).toBe(1);
    expect(cc.now()).toBe(T0 + 60_000);
    cc.synced(T0);
    expect(cc.now()).toBe(T0);
    advance(30_000);
    expect(cc.now()).toBe(T0 + 30_000);
  });

  it('a publication replayed from disk, or another member\'s, teaches nothing, though each asks the leader for a SYNC', () => {
    const { cc, announced } = clusterClock(60_000, 10);
    cc.published('me', 10);
    cc.published('someone-else', 11);
    cc.synced(T0);
    expect(cc.now()).toBe(T0 + 60_000);
    expect(announced()).toBe(2);
  });

  it('never runs behind a SYNC it has applied: a later SYNC stamped earlier (a new leader a commit behind) does not move it back', () => {
    const { cc, advance } = clusterClock(0);
    cc.published('me', 11);
    cc.synced(T0 + 100);
    advance(1000);
    cc.synced(T0 + 1040);
    expect(cc.now()).toBe(T0 + 1100);
  });
});
