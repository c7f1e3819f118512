// Proposals this member made and is waiting to see applied. Each gets a deadline so a request
// whose entry never commits (leader lost it, partition) answers with a timeout, never hangs.
// Each settles exactly once: the first of trigger, fail and the deadline wins; the rest find nothing.
import type { Clock, Timer } from './seams.js';

interface Pending<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
  timer: Timer;
}

/**
 * Sequence numbers start from the clock (ms × 256), as etcd's request ids do: a proposal made
 * before a crash may still be applied after the restart, and it must not answer a new request
 * that happens to have been given the same number. A restarted member starts past every number
 * the previous run used unless that run made over 256 proposals a millisecond.
 */
const SEQS_PER_MS = 256;

export class Waiters<T> {
  private readonly pending = new Map<number, Pending<T>>();
  private nextSeq: number;

  constructor(private readonly clock: Clock) {
    this.nextSeq = clock.now() * SEQS_PER_MS + 1;
  }

  get size(): number {
    return this.pending.size;
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
