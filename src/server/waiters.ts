// Proposals this process made and is waiting to see applied, by sequence number. Each gets a
// deadline so a request whose entry never commits (leader lost it, partition) answers with a
// timeout, never hangs. Each settles exactly once: the first of trigger, fail and the deadline
// wins; the rest find nothing.
import type { Clock, Timer } from './seams.js';

interface Pending<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
  timer: Timer;
}

/** Sequence numbers count from 1 in every process: the run in a request's id (RequestId) tells processes apart. */
export class Waiters<T> {
  /** In registration order, so ascending: the first key is the smallest still waiting. */
  private readonly pending = new Map<number, Pending<T>>();
  private nextSeq = 1;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.pending.size;
  }

  /** The smallest seq still waiting, or the next to be handed out when none is. */
  get low(): number {
    return this.pending.keys().next().value ?? this.nextSeq;
  }

  has(seq: number): boolean {
    return this.pending.has(seq);
  }

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

  private take(seq: number): Pending<T> | undefined {
    const p = this.pending.get(seq);
    if (!p) return undefined;
    this.pending.delete(seq);
    this.clock.clearTimer(p.timer);
    return p;
  }
}
