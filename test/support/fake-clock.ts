// A Clock the test turns by hand: time moves only in advance(), timers fire in due order, and
// deferred work (the raft driver's setImmediate) runs in settle(). Promise chains in between
// run to completion, so a member driven by it behaves the same on every run.
import type { Clock, Timer } from '../../src/server/seams.js';

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  every?: number;
}

/** Lets every pending promise callback (and any real I/O callback already due) run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private elapsed = 0;
  private seq = 0;
  private readonly timers = new Map<number, Scheduled>();
  private deferred: (() => void)[] = [];

  constructor(private readonly epoch = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.epoch + this.elapsed;
  }

  monotonic(): number {
    return this.elapsed;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, Math.max(1, ms));
  }

  clearTimer(timer: Timer | undefined): void {
    if (timer !== undefined) this.timers.delete(timer as unknown as number);
  }

  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  /** Runs deferred work and promise callbacks until nothing more happens at this instant. */
  async settle(): Promise<void> {
    for (let rounds = 0; ; rounds++) {
      if (rounds > 100_000) throw new Error('FakeClock.settle: work keeps scheduling more work at the same instant');
      await turn();
      if (this.deferred.length === 0) {
        await turn();
        if (this.deferred.length === 0) return;
      }
      const batch = this.deferred;
      this.deferred = [];
      for (const fn of batch) fn();
    }
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.elapsed + ms;
    await this.settle();
    for (let next = this.nextDue(end); next !== undefined; next = this.nextDue(end)) {
      this.elapsed = Math.max(this.elapsed, next.at);
      if (next.every !== undefined) next.at += next.every;
      else this.timers.delete(next.seq);
      next.fn();
      await this.settle();
    }
    this.elapsed = end;
  }

  /** Advances in steps of `stepMs` until `check` holds; fails after `limitMs` of fake time. */
  async until(check: () => boolean, what: string, limitMs = 60_000, stepMs = 10): Promise<void> {
    for (let waited = 0; !check(); waited += stepMs) {
      if (waited >= limitMs) throw new Error(`FakeClock.until: ${what} did not happen within ${limitMs} ms of fake time`);
      await this.advance(stepMs);
    }
  }

  private schedule(fn: () => void, ms: number, every?: number): Timer {
    const seq = ++this.seq;
    this.timers.set(seq, { at: this.elapsed + Math.max(0, ms), seq, fn, every });
    return seq as unknown as Timer;
  }

  private nextDue(end: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const t of this.timers.values()) {
      if (t.at > end) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
