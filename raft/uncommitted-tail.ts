// The bytes of entry data a leader has appended but not yet seen committed (etcd raft's
// MaxUncommittedEntriesSize). A leader that cannot commit (cut off from its quorum, or with a
// follower catching up slowly) would otherwise append every proposal it is offered, and a member
// that offers its waiting proposals again to each new leader would lengthen that tail at every
// election: once the leader can commit again, a new write would wait behind all of it.
import type { Entry } from './types.js';

export class UncommittedTail {
  private bytes = 0;

  /** `limit` 0 means no bound. */
  constructor(private readonly limit: number) {}

  /**
   * Counts `entries` in, unless they would take the tail past the limit. An empty tail always
   * takes them, so a proposal larger than the limit still makes progress alone.
   */
  tryGrow(entries: readonly Entry[]): boolean {
    const size = dataSize(entries);
    if (this.limit > 0 && this.bytes > 0 && this.bytes + size > this.limit) return false;
    this.bytes += size;
    return true;
  }

  /** Entries committed (and handed to the state machine). Entries of earlier leaders were never counted: never below 0. */
  shrink(entries: readonly Entry[]): void {
    // Only a leader counts: everyone else applies without summing what it applies.
    if (this.bytes === 0) return;
    this.bytes = Math.max(0, this.bytes - dataSize(entries));
  }

  /** A new term (or role) starts counting afresh. */
  reset(): void {
    this.bytes = 0;
  }

  get size(): number {
    return this.bytes;
  }
}

function dataSize(entries: readonly Entry[]): number {
  let size = 0;
  for (const e of entries) size += e.data.byteLength;
  return size;
}
