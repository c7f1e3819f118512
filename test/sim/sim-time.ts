// Simulated time for a whole cluster: one queue of things due (members' timers and deferred work,
// disk writes landing, messages arriving), run in order of (time, scheduling order). Between two
// batches the sim yields one event-loop turn, so every promise chain a batch started (a raft
// driver awaiting its disk) runs to its next wait before anything else happens. Each member sees
// the time through its own Clock, which goes dead with the member: a crashed member's timers and
// deferred work never run.
import type { Clock, Timer } from '../../src/server/seams.js';

/** What `now()` reads at simulated time 0 (only TTLs and the SYNC entries see it). */
const EPOCH = Date.UTC(2026, 0, 1);
/** Batches at one instant before a run is declared stuck (work scheduling work without end). */
const MAX_BATCHES_PER_INSTANT = 10_000;

interface Due {
  at: number;
  seq: number;
  run(): void;
}

/** Lets every promise callback queued so far, and those they queue, run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class SimTime {
  private current = 0;
  private seq = 0;
  /** A binary heap ordered by (at, seq). */
  private readonly heap: Due[] = [];
  private readonly cancelled = new Set<number>();

  /** Milliseconds since the run began; one simulator step is one millisecond. */
  get now(): number {
    return this.current;
  }

  /** Runs `run` at `at` (not before now); returns a handle for cancel(). */
  at(at: number, run: () => void): number {
    const due = { at: Math.max(at, this.current), seq: ++this.seq, run };
    this.push(due);
    return due.seq;
  }

  cancel(handle: number): void {
    this.cancelled.add(handle);
  }

  /**
   * Runs everything due up to `end`, batch by batch, then sets the time to `end`. `check` runs
   * after every batch has settled and may throw to stop the run.
   */
  async runUntil(end: number, check: () => void): Promise<void> {
    let batches = 0;
    for (let next = this.peek(); next !== undefined && next.at <= end; next = this.peek()) {
      if (next.at > this.current) batches = 0;
      else if (++batches > MAX_BATCHES_PER_INSTANT) throw new Error(`simulated time is stuck at ${this.current}: work keeps scheduling more work`);
      this.current = next.at;
      // One batch is what is due now; what it schedules for now runs in the next batch, after a turn.
      const last = this.seq;
      for (let due = this.peek(); due !== undefined && due.at === this.current && due.seq <= last; due = this.peek()) {
        this.pop();
        if (!this.cancelled.delete(due.seq)) due.run();
      }
      await turn();
      check();
    }
    this.current = Math.max(this.current, end);
  }

  /** A member's view of the time; once `alive()` is false, nothing it scheduled runs. */
  clockFor(alive: () => boolean): Clock {
    const guarded = (fn: () => void) => () => {
      if (alive()) fn();
    };
    const toTimer = (handle: number): Timer => handle as unknown as Timer;
    const every = (fn: () => void, ms: number): number => {
      // Rescheduled under its first handle, so clearTimer stops it even from inside fn.
      const seq = ++this.seq;
      const tick = (): void => {
        if (!alive()) return;
        this.push({ at: this.current + ms, seq, run: tick });
        fn();
      };
      this.push({ at: this.current + ms, seq, run: tick });
      return seq;
    };
    return {
      now: () => EPOCH + this.current,
      monotonic: () => this.current,
      setTimeout: (fn, ms) => toTimer(this.at(this.current + Math.max(0, ms), guarded(fn))),
      setInterval: (fn, ms) => toTimer(every(fn, Math.max(1, ms))),
      clearTimer: (timer) => {
        if (timer !== undefined) this.cancel(timer as unknown as number);
      },
      defer: (fn) => void this.at(this.current, guarded(fn)),
    };
  }

  private peek(): Due | undefined {
    return this.heap[0];
  }

  private push(due: Due): void {
    const h = this.heap;
    h.push(due);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function before(a: Due, b: Due): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
