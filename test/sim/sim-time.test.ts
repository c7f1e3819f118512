import { describe, expect, it } from 'vitest';
import { SimTime } from './sim-time.js';

describe('simulated time', () => {
  it('runs what is due in time order, then in the order it was scheduled', async () => {
    const time = new SimTime();
    const seen: string[] = [];
    time.at(5, () => seen.push('b@5'));
    time.at(3, () => seen.push('a@3'));
    time.at(5, () => seen.push('c@5'));
    time.at(9, () => seen.push('d@9'));
    await time.runUntil(8, () => undefined);
    expect(seen).toEqual(['a@3', 'b@5', 'c@5']);
    expect(time.now).toBe(8);
  });

  it('lets a promise chain started by one batch settle before the next batch runs', async () => {
    const time = new SimTime();
    const seen: string[] = [];
    time.at(1, () => {
      void (async () => {
        await null;
        await null;
        seen.push('chain');
      })();
    });
    time.at(1, () => time.at(1, () => seen.push('scheduled for now')));
    await time.runUntil(1, () => undefined);
    expect(seen).toEqual(['chain', 'scheduled for now']);
  });

  it("stops a member's timers, intervals and deferred work once the member is dead", async () => {
    const time = new SimTime();
    let alive = true;
    const clock = time.clockFor(() => alive);
    const seen: string[] = [];
    clock.setInterval(() => seen.push(`tick@${clock.monotonic()}`), 10);
    clock.setTimeout(() => seen.push('timeout'), 25);
    await time.runUntil(20, () => undefined);
    alive = false;
    clock.defer(() => seen.push('deferred'));
    await time.runUntil(100, () => undefined);
    expect(seen).toEqual(['tick@10', 'tick@20']);
  });

  it('clears an interval from inside its own callback', async () => {
    const time = new SimTime();
    const clock = time.clockFor(() => true);
    let ticks = 0;
    const timer = clock.setInterval(() => {
      if (++ticks === 2) clock.clearTimer(timer);
    }, 10);
    await time.runUntil(100, () => undefined);
    expect(ticks).toBe(2);
  });

  it('stops at the first batch after which the check throws', async () => {
    const time = new SimTime();
    let ran = 0;
    for (let at = 1; at <= 5; at++) time.at(at, () => ran++);
    await expect(
      time.runUntil(10, () => {
        if (ran === 2) throw new Error('broken');
      }),
    ).rejects.toThrow('broken');
    expect(time.now).toBe(2);
  });
});
