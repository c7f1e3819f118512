// Messages between the harness and a load worker process (child_process IPC).
import type { SerializedHistogram } from './latency.js';

export interface Timing {
  /** Operations run but are not counted for this long first. */
  warmupMs: number;
  /** Measured time; omitted for jobs that end after a fixed amount of work or when the harness says. */
  durationMs?: number;
  /** Width of the throughput/p99 windows recorded over time, when wanted. */
  timelineMs?: number;
}

export interface TimelineWindow {
  /** Seconds since measuring began, at the window's start. */
  atSec: number;
  opsPerSec: number;
  p99Ms: number;
  errors: number;
}

export type Notes = Record<string, number | string>;

export interface LoadResult {
  ops: number;
  seconds: number;
  latency: SerializedHistogram;
  /** Failed operations by kind ("ECONNREFUSED", "http 500 300", ...). */
  errors: Record<string, number>;
  notes: Notes;
  timeline?: TimelineWindow[];
  /** Epoch ms at which measuring began, to place harness events on the timeline. */
  measureStartedAt: number;
  /** CPU seconds the load worker itself used while measuring (0 if it finished first). */
  cpuSeconds: number;
  /** Harness events (the failover's faults) to mark on the timeline. */
  events?: TimelineEvent[];
}

export interface TimelineEvent {
  /** Seconds since measuring began. */
  atSec: number;
  label: string;
}

/** A leader the harness took down during a job: kill -9, or SIGTERM (a graceful hand-over). */
export interface Fault {
  /** 0, 1, 2, … in the order the harness caused them. */
  index: number;
  member: number;
  how: 'kill' | 'term';
  /** Epoch ms at which the signal was sent. */
  at: number;
  /** The leader's Raft term just before: a write acknowledged in a later term is the next leader's. */
  term: number;
}

export type ToWorker =
  | { type: 'job'; kind: string; params: unknown; timing: Timing }
  | { type: 'fault'; fault: Fault }
  /** Asks to be told once every client has had an answer to a write sent at or after epoch ms `since`. */
  | { type: 'settle'; since: number }
  /** Ends a job that runs until the harness says so (a Timing without durationMs). */
  | { type: 'finish' };

export type FromWorker =
  | { type: 'measuring' }
  | { type: 'progress'; phase: 'warm-up' | 'measuring'; elapsedMs: number; ops: number }
  /** The first write acknowledged in a later term than fault `fault`'s, answered at epoch ms `at`. */
  | { type: 'resumed'; fault: number; at: number }
  | { type: 'settled'; since: number }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };
