// A case's figures from its measured runs: one run's own, or for a case run several times
// (alternated with another on a shared machine) the median of each, so that one disturbed run
// moves nothing; the maximum latency stays the largest seen.
import { Histogram, type LatencySummary } from './latency.js';
import type { LoadResult } from './load-protocol.js';

export interface Figures {
  /** Summed over the runs, as are the errors. */
  ops: number;
  seconds: number;
  opsPerSec: number;
  latency: LatencySummary;
  errors: Record<string, number>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

export function figuresOf(runs: LoadResult[]): Figures {
  const latencies = runs.map((r) => Histogram.from(r.latency).summary());
  const errors: Record<string, number> = {};
  for (const run of runs) for (const [kind, n] of Object.entries(run.errors)) errors[kind] = (errors[kind] ?? 0) + n;
  return {
    ops: sum(runs.map((r) => r.ops)),
    seconds: sum(runs.map((r) => r.seconds)),
    opsPerSec: median(runs.map((r) => r.ops / r.seconds)),
    latency: {
      count: sum(latencies.map((l) => l.count)),
      p50Ms: median(latencies.map((l) => l.p50Ms)),
      p99Ms: median(latencies.map((l) => l.p99Ms)),
      maxMs: Math.max(...latencies.map((l) => l.maxMs)),
    },
    errors,
  };
}
