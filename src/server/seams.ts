// What a member takes from the world, so that a simulator can be the world instead: time and
// timers, the durable log, a random source and the peer network. Production passes systemClock, a DurableLog and
// Math.random; nothing else in src/server reads the clock or schedules on its own.
import type { Entry, HardState, Snapshot } from '../../raft/index.js';
import type { PeerTransport, PeerTransportOptions } from '../transport/peer-transport.js';

/** An opaque timer; only the clock that made it can cancel it. */
export type Timer = { readonly __timer: unique symbol };

export interface Clock {
  /** Wall-clock milliseconds since the epoch (what TTLs and stats are measured in). */
  now(): number;
  /** Milliseconds from an arbitrary origin that never goes back, for durations. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  setInterval(fn: () => void, ms: number): Timer;
  clearTimer(timer: Timer | undefined): void;
  /** Runs `fn` after the current turn's work (Node's setImmediate): batches what arrives meanwhile. */
  defer(fn: () => void): void;
}

/** A source of uniform numbers in [0, 1), as Math.random. */
export type Random = () => number;

/** One Ready's worth of durable state. */
export interface SaveRequest {
  hardState?: HardState;
  entries: Entry[];
  snapshot?: Snapshot;
}

/** The durable Raft log as the driver needs it; DurableLog is the production one. */
export interface LogStore {
  /** Persists one Ready atomically; fsync'd when `sync`. */
  save(rd: SaveRequest, sync: boolean): Promise<void>;
  /** Persists a snapshot this member took of its own state. */
  saveSnapshot(snap: Snapshot): Promise<void>;
  /** Forgets entries up to and including `throughIndex` (a snapshot covers them). */
  compact(throughIndex: number): Promise<void>;
}

/** What a member's peer network calls back with (PeerTransport's options minus its settings). */
export type PeerHandlers = Pick<PeerTransportOptions, 'onMessages' | 'onRequest' | 'isRemoved' | 'onRefused' | 'onSnapshotStatus' | 'onUnreachable' | 'onPeerDown' | 'onPeerActive' | 'onHttp'>;

/** A member's peer network as it uses it; PeerTransport is the production one. */
export type PeerNetwork = Pick<PeerTransport, 'start' | 'stop' | 'addPeer' | 'removePeer' | 'send' | 'peerStats' | 'leaderStats' | 'appendsSent' | 'appendsReceived'>;

type NodeTimer = ReturnType<typeof setTimeout>;

/** The process's own clock and timers. Timers are unref'd: none keeps a stopping process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref() as unknown as Timer,
  setInterval: (fn, ms) => setInterval(fn, ms).unref() as unknown as Timer,
  clearTimer: (timer) => clearTimeout(timer as unknown as NodeTimer),
  defer: (fn) => void setImmediate(fn),
};
