// The last N events, for watches that start in the past (etcd's EventHistory). Every mutation
// makes exactly one event whose index is the new store index, so the history is a run of
// consecutive indexes and an index maps straight to a slot.
import { ErrorCode, EtcdError } from './types.js';
import type { StoreEvent } from './types.js';

export class EventHistory {
  private readonly ring: (StoreEvent | undefined)[];
  private front = 0;
  private size = 0;
  /** Index of the oldest event held; 0 while empty. */
  private startIndex = 0;
  private lastIndex = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history size must be a positive integer, got ${capacity}`);
    this.ring = new Array<StoreEvent | undefined>(capacity).fill(undefined);
  }

  add(ev: StoreEvent): void {
    if (this.size > 0 && ev.etcdIndex !== this.lastIndex + 1) {
      throw new Error(`event history must be consecutive: ${ev.etcdIndex} after ${this.lastIndex}`);
    }
    if (this.size < this.capacity) {
      this.ring[(this.front + this.size) % this.capacity] = ev;
      this.size++;
    } else {
      this.ring[this.front] = ev;
      this.front = (this.front + 1) % this.capacity;
    }
    this.lastIndex = ev.etcdIndex;
    this.startIndex = this.at(0).etcdIndex;
  }

  /**
   * The first event at or after sinceIndex that a watcher of key would see, or undefined when
   * none has happened yet. Like etcd this ignores hidden keys, skips refreshes and internal
   * writes, and matches a
   * deleted or expired directory by plain string prefix (a watch on /abc sees /ab go).
   * Throws 401 when sinceIndex has already left the history.
   */
  scan(key: string, recursive: boolean, sinceIndex: number, currentIndex: number): StoreEvent | undefined {
    if (sinceIndex < this.startIndex) {
      throw new EtcdError(
        ErrorCode.EventIndexCleared,
        `the requested history has been cleared [${this.startIndex}/${sinceIndex}]`,
        currentIndex,
      );
    }
    if (sinceIndex > this.lastIndex) return undefined;
    const prefix = key === '/' ? '/' : key + '/';
    for (let i = sinceIndex - this.startIndex; i < this.size; i++) {
      const ev = this.at(i);
      if (ev.refresh || ev.internal) continue;
      const evKey = ev.node.key!;
      if (evKey === key || (recursive && evKey.startsWith(prefix))) return ev;
      const gone = ev.prevNode;
      if ((ev.action === 'delete' || ev.action === 'expire') && gone?.dir && key.startsWith(gone.key!)) return ev;
    }
    return undefined;
  }

  /**
   * The indexes through `index` were taken by writes no watch shows (an etcd being mirrored: its
   * hidden keys, refreshes and membership): each gets an internal slot. Only the last `capacity`
   * could still be held, so a longer gap starts the ring afresh, where etcd's would be too.
   */
  skipTo(index: number): void {
    const from = Math.max(this.lastIndex + 1, index - this.capacity + 1);
    if (from > this.lastIndex + 1) this.empty();
    for (let i = from; i <= index; i++) this.add(unseen(i));
  }

  /** Starts over at `index` (a copied key space arrived whole): any earlier index answers 401. */
  restartAt(index: number): void {
    this.empty();
    this.add(unseen(index));
  }

  /** Oldest first. */
  events(): StoreEvent[] {
    const out: StoreEvent[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  private empty(): void {
    this.ring.fill(undefined);
    this.front = 0;
    this.size = 0;
  }

  private at(offset: number): StoreEvent {
    return this.ring[(this.front + offset) % this.capacity]!;
  }
}

const UNSEEN_NODE = Object.freeze({ key: '/' });

/** An index taken by a write nobody can watch. */
function unseen(index: number): StoreEvent {
  return Object.freeze({ action: 'set', node: UNSEEN_NODE, etcdIndex: index, internal: true });
}
