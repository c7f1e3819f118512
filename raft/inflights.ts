// The window of App messages sent to one follower and not yet acknowledged, as a ring buffer of
// the last index each message carried. When it is full the leader stops sending to that follower.
import { invariant } from './invariant.js';

export class Inflights {
  private readonly buffer: number[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    invariant(capacity > 0, `inflight window must hold at least one message, got ${capacity}`);
    this.buffer = new Array<number>(capacity).fill(0);
  }

  get size(): number {
    return this.count;
  }

  full(): boolean {
    return this.count === this.capacity;
  }

  /** Records a message whose last entry is `index`; indexes must be added in increasing order. */
  add(index: number): void {
    invariant(!this.full(), 'cannot add to a full inflight window');
    if (this.count > 0) {
      const last = this.buffer[(this.start + this.count - 1) % this.capacity]!;
      invariant(index > last, () => `inflight index ${index} added after ${last}`);
    }
    this.buffer[(this.start + this.count) % this.capacity] = index;
    this.count++;
  }

  /** Frees every message whose last index is at most `index` (they are acknowledged). */
  freeLE(index: number): void {
    while (this.count > 0 && this.buffer[this.start]! <= index) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
  }

  /** Frees the oldest message, so a follower whose acks were all lost can be sent to again. */
  freeFirstOne(): void {
    if (this.count > 0) this.freeLE(this.buffer[this.start]!);
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }
}
