// Messages between the harness and a load worker process (child_process IPC).
import type { SerializedHistogram } from './latency.js';

export interface Timing {
  /** Operations run but are not counted for this long first. */
  warmupMs: number;
  /** Measured time; omitted for jobs that end after a fixed amount of work. */
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
}

export type ToWorker =
  | { type: 'job'; kind: string; params: unknown; timing: Timing }
  /** The harness kill -9'd a member at epoch ms `at`. */
  | { type: 'killed'; member: number; at: number };

export type FromWorker =
  | { type: 'measuring' }
  | { type: 'progress'; phase: 'warm-up' | 'measuring'; elapsedMs: number; ops: number }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };
