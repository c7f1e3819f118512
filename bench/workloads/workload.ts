// A workload is what one section of the report measures: it drives a freshly started cluster
// through one or more cases, each a load job in a worker, and returns one outcome per case.
import type { BenchCerts } from '../bench-certs.js';
import type { ProcessCluster } from '../harness/process-cluster.js';
import type { TargetKind } from '../cluster-target.js';
import type { JobKind, JobParams } from '../jobs/index.js';
import type { WorkerLink } from '../load-driver.js';
import type { LoadResult, Notes, Timing } from '../load-protocol.js';

export interface BenchOptions {
  members: number;
  seconds: number;
  warmupSeconds: number;
  valueSize: number;
  /** Replaces the concurrency levels of the writes and reads workloads when given. */
  concurrency: number[] | undefined;
  big: boolean;
  /** Leaders the failover workload takes down in each of its cases. */
  failovers: number;
}

export type CaseOutcome =
  | { case: string; result: LoadResult }
  /** A case run several times: its row shows the median of each figure (see run-figures.ts). */
  | { case: string; runs: LoadResult[]; notes: Notes };

export interface WorkloadContext {
  target: TargetKind;
  cluster: ProcessCluster;
  /** The certificates the cluster serves and trusts, for a workload that asked for TLS. */
  certs: BenchCerts | undefined;
  options: BenchOptions;
  /** Warm-up, then `--seconds` measured. */
  timed: Timing;
  load<K extends JobKind>(caseName: string, kind: K, params: JobParams<K>, timing: Timing,
    onMeasuring?: (worker: WorkerLink) => Promise<void>): Promise<LoadResult>;
}

export interface Workload {
  name: string;
  /** Start the cluster with https client and peer URLs, both requiring client certificates. */
  tls?: boolean;
  run(ctx: WorkloadContext): Promise<CaseOutcome[]>;
}

/** For jobs that end after a fixed amount of work rather than a fixed time. */
export const UNTIMED: Timing = { warmupMs: 0 };

export function concurrencyLevels(options: BenchOptions, defaults: number[]): number[] {
  return options.concurrency ?? defaults;
}
