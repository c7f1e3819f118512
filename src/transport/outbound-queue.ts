// Messages waiting for one peer's connection. Bounded by count and bytes: when full, the oldest
// are dropped, since raft retransmits whatever a follower did not acknowledge and the newest
// messages carry the freshest terms and commit indexes.
import type { Message } from '../../raft/index.js';

export interface QueueLimits {
  maxMessages: number;
  maxBytes: number;
}

/** Room for a message's fixed fields and map keys on the wire, and for each entry's. */
const MESSAGE_OVERHEAD_BYTES = 160;
const ENTRY_OVERHEAD_BYTES = 48;

/** An upper bound on a (non-snapshot) message's encoded size. */
export function estimateMessageBytes(m: Message): number {
  let bytes = MESSAGE_OVERHEAD_BYTES + (m.context?.length ?? 0);
  for (const e of m.entries) bytes += ENTRY_OVERHEAD_BYTES + e.data.length;
  return bytes;
}

export class OutboundQueue {
  private items: { msg: Message; bytes: number }[] = [];
  private bytes = 0;

  constructor(private readonly limits: QueueLimits) {}

  /** Appends, then drops from the front until within limits (always keeping the newest); returns how many were dropped. */
  push(msgs: Message[]): number {
    for (const msg of msgs) {
      const bytes = estimateMessageBytes(msg);
      this.items.push({ msg, bytes });
      this.bytes += bytes;
    }
    let dropped = 0;
    const over = () => this.items.length - dropped > this.limits.maxMessages || this.bytes > this.limits.maxBytes;
    while (this.items.length - dropped > 1 && over()) {
      this.bytes -= this.items[dropped]!.bytes;
      dropped++;
    }
    if (dropped > 0) this.items.splice(0, dropped);
    return dropped;
  }

  /** Empties the queue, returning its messages oldest first. */
  takeAll(): Message[] {
    const msgs = this.items.map((i) => i.msg);
    this.items = [];
    this.bytes = 0;
    return msgs;
  }
}
