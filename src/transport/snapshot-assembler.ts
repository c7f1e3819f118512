// Receiver side of a snapshot stream: collects the chunks of the one snapshot in progress on a
// connection into a buffer sized once from the header.
import type { Message } from '../../raft/index.js';
import { FrameError } from './frame-codec.js';
import type { SnapBegin, SnapChunk } from './wire.js';

export class SnapshotAssembler {
  private current: { sid: number; msg: Message; data: Uint8Array; received: number } | undefined;

  constructor(private readonly maxSnapshotBytes: number) {}

  /** Starts a snapshot; returns the Snap message at once when its data is empty. */
  begin(frame: SnapBegin): Message | undefined {
    if (!Number.isSafeInteger(frame.total) || frame.total < 0 || frame.total > this.maxSnapshotBytes) {
      throw new FrameError(`snapshot of ${frame.total} bytes refused (limit ${this.maxSnapshotBytes})`);
    }
    this.current = { sid: frame.sid, msg: frame.msg, data: new Uint8Array(frame.total), received: 0 };
    return frame.total === 0 ? this.complete() : undefined;
  }

  /** Adds the next chunk; returns the received byte count, and the whole Snap message once complete. */
  add(frame: SnapChunk): { received: number; snap?: Message } {
    const cur = this.current;
    if (!cur || cur.sid !== frame.sid) throw new FrameError(`chunk of unknown snapshot ${frame.sid}`);
    if (frame.offset !== cur.received) throw new FrameError(`snapshot chunk at ${frame.offset}, expected ${cur.received}`);
    if (cur.received + frame.data.length > cur.data.length) throw new FrameError('snapshot chunk past the announced size');
    cur.data.set(frame.data, cur.received);
    cur.received += frame.data.length;
    const received = cur.received;
    return received === cur.data.length ? { received, snap: this.complete() } : { received };
  }

  private complete(): Message {
    const { msg, data } = this.current!;
    this.current = undefined;
    return { ...msg, snapshot: { metadata: msg.snapshot!.metadata, data } };
  }
}
