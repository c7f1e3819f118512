// Sends one Snap message over an open connection: a header frame, then the snapshot data in
// chunks with at most a window of them unacknowledged. The window keeps a large snapshot from
// filling the socket, so heartbeats written between chunks wait behind a chunk or two at most,
// and the per-chunk acknowledgements tell a stalled receiver from a slow one.
import type { Message } from '../../raft/index.js';
import { encodeFrame } from './frame-codec.js';
import type { SnapBegin, SnapChunk } from './wire.js';

export interface SnapshotStreamLimits {
  snapshotChunkBytes: number;
  snapshotWindowChunks: number;
  snapshotStallMs: number;
}

export interface SnapshotStreamIo {
  write(frame: Buffer): void;
  /** Called once: ok when the receiver acknowledged the last byte; otherwise with the reason. */
  finished(ok: boolean, reason?: string): void;
}

export class SnapshotStream {
  private readonly data: Uint8Array;
  private sent = 0;
  private acked = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private done = false;
  readonly startedAt = Date.now();

  constructor(
    readonly sid: number,
    private readonly msg: Message,
    private readonly io: SnapshotStreamIo,
    private readonly limits: SnapshotStreamLimits,
  ) {
    this.data = msg.snapshot!.data;
  }

  get totalBytes(): number {
    return this.data.length;
  }

  start(): void {
    const snapshot = { metadata: this.msg.snapshot!.metadata, data: new Uint8Array(0) };
    const begin: SnapBegin = { t: 'snap', sid: this.sid, total: this.data.length, msg: { ...this.msg, snapshot } };
    this.io.write(encodeFrame(begin));
    this.fillWindow();
    this.armStallTimer();
  }

  /** The receiver now holds `received` bytes. */
  onAck(received: number): void {
    if (this.done || received < this.acked || received > this.sent) return;
    this.acked = received;
    if (received === this.data.length) {
      this.finish(true);
      return;
    }
    this.fillWindow();
    this.armStallTimer();
  }

  /** Ends the stream without an answer (the connection broke, or the transport is closing). */
  abort(reason: string): void {
    this.finish(false, reason);
  }

  private fillWindow(): void {
    const { snapshotChunkBytes: chunkBytes, snapshotWindowChunks: window } = this.limits;
    while (this.sent < this.data.length && this.sent - this.acked < window * chunkBytes) {
      const end = Math.min(this.data.length, this.sent + chunkBytes);
      const chunk: SnapChunk = { t: 'chunk', sid: this.sid, offset: this.sent, data: this.data.subarray(this.sent, end) };
      this.io.write(encodeFrame(chunk));
      this.sent = end;
    }
  }

  private armStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(
      () => this.finish(false, `no acknowledgement for ${this.limits.snapshotStallMs} ms`),
      this.limits.snapshotStallMs,
    );
  }

  private finish(ok: boolean, reason?: string): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.stallTimer);
    this.io.finished(ok, reason);
  }
}
