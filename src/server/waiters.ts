// Proposals this member made and is waiting to see applied. Each gets a deadline so a request
// whose entry never commits (leader lost it, partition) answers with a timeout, never hangs.
// Each settles exactly once: the first of trigger, fail and the deadline wins; the rest find nothing.
import type { Clock, Timer } from './seams.js';

interface Pending<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
  timer: Timer;
}

export class Waiters<T> {
  private readonly pending = new Map<number, Pending<T>>();
  private nextSeq = 1;

  constructor(private readonly clock: Clock) {}

  /** Reserves a sequence number and a promise that settles when trigger/fail is called or the deadline passes. */
  register(timeoutMs: number, onTimeout: () => unknown): { seq: number; done: Promise<T> } {
    const seq = this.nextSeq++;
    const done = new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(seq);
        reject(onTimeout());
      }, timeoutMs);
      this.pending.set(seq, { resolve, reject, timer });
    });
    return { seq, done };
  }

  trigger(seq: number, value: T): void {
    const p = this.take(seq);
    p?.resolve(value);
  }

  fail(seq: number, err: unknown): void {
    const p = this.take(seq);
    p?.reject(err);
  }

  failAll(err: unknown): void {
    for (const seq of [...this.pending.keys()]) this.fail(seq, err);
  }

  get size(): number {
    return this.pending.size;
  }

  private take(seq: number): Pending<T> | undefined {
    const p = this.pending.get(seq);
    if (!p) return undefined;
    this.pending.delete(seq);
    this.clock.clearTimer(p.timer);
    return p;
  }
}
