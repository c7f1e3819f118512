// Every bound the transport keeps, in one place. Tests shrink some of them to reach edge cases fast.

export interface TransportLimits {
  /** Per-peer queue of messages waiting for the connection; the oldest are dropped beyond it. */
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  /** Bytes the socket may hold unsent before the queue stops draining into it (a slow peer). */
  maxSocketBufferBytes: number;
  /** A snapshot travels in chunks of this size, at most `snapshotWindowChunks` unacknowledged. */
  snapshotChunkBytes: number;
  snapshotWindowChunks: number;
  /** A snapshot stream with no acknowledgement for this long has failed. */
  snapshotStallMs: number;
  /** Largest snapshot a receiver will assemble. */
  maxSnapshotBytes: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** From dialing to the listener's welcome (or a request's answer to its hello). */
  handshakeTimeoutMs: number;
  /**
   * After an open connection breaks, how long the redial may go unanswered before the peer is
   * reported down. A dead process's kernel refuses the redial at once; a live peer welcomes it
   * within a round trip. About one heartbeat interval (etcd's default, 100 ms).
   */
  lossProbeMs: number;
}

export const DEFAULT_LIMITS: TransportLimits = {
  maxQueuedMessages: 4096,
  maxQueuedBytes: 32 * 1024 * 1024,
  maxSocketBufferBytes: 8 * 1024 * 1024,
  snapshotChunkBytes: 1024 * 1024,
  snapshotWindowChunks: 2,
  snapshotStallMs: 15_000,
  maxSnapshotBytes: 1024 * 1024 * 1024,
  reconnectMinMs: 50,
  // A restarted member is back in about two seconds in the harnesses that kill members: a 1 s
  // ceiling finds it soon after, at the cost of one refused dial per second while it is down.
  reconnectMaxMs: 1000,
  handshakeTimeoutMs: 3000,
  lossProbeMs: 100,
};
