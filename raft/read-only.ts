// The leader's linearizable reads waiting for leadership to be confirmed (ReadIndex, Raft
// thesis §6.4). Each read records the commit index at its arrival; a heartbeat round carrying
// the newest read's context confirms every read queued before it once a quorum acks it.
import { bytesKey } from './bytes.js';
import type { Message, NodeId } from './types.js';

export interface PendingRead {
  /** The commit index when the read arrived: the read may be served once applied reaches it. */
  index: number;
  /** The ReadIndex message, to answer locally or with a ReadIndexResp to a follower. */
  request: Message;
  acks: Set<NodeId>;
}

/** Reads waiting for a heartbeat round beyond this are refused rather than queued without bound. */
export const MAX_PENDING_READS = 4096;

export class ReadOnlyQueue {
  private readonly pending = new Map<string, PendingRead>();
  /** Keys in arrival order. */
  private queue: string[] = [];

  full(): boolean {
    return this.queue.length >= MAX_PENDING_READS;
  }

  /** Queues a read; a context already waiting is not queued twice. */
  add(index: number, request: Message, self: NodeId): void {
    const key = bytesKey(request.context ?? new Uint8Array());
    if (this.pending.has(key)) return;
    this.pending.set(key, { index, request, acks: new Set([self]) });
    this.queue.push(key);
  }

  /** Records `from`'s ack of the round for `context`; returns everyone who acked it so far. */
  recvAck(from: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const read = this.pending.get(bytesKey(context));
    if (!read) return undefined;
    read.acks.add(from);
    return read.acks;
  }

  /** Removes and returns the read for `context` with every read queued before it. */
  advance(context: Uint8Array): PendingRead[] {
    const key = bytesKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1).map((k) => this.pending.get(k)!);
    for (const k of this.queue.slice(0, at + 1)) this.pending.delete(k);
    this.queue = this.queue.slice(at + 1);
    return done;
  }

  /** The context the next heartbeat round should carry, if any read is waiting. */
  lastPendingContext(): Uint8Array | undefined {
    const key = this.queue.at(-1);
    return key === undefined ? undefined : this.pending.get(key)!.request.context;
  }

  clear(): void {
    this.pending.clear();
    this.queue = [];
  }
}
