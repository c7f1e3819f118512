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
  /** Operations a second the cpu workload offers, open-loop. */
  rate: number;
  /** Runs per target of each cpu case, alternating between the targets. */
  pairs: number;
}

/** What the cpu workload measures of a case. */
export interface CpuFigure {
  /** Operations a second offered. */
  offeredPerSec: number;
  /** The members' CPU (all of them, summed) per operation completed, in µs: the median of the runs'. */
  microsPerOp: number;
}

export type CaseOutcome =
  | { case: string; result: LoadResult }
  /** A case run several times: its row shows the median of each figure (see run-figures.ts). */
  | { case: string; runs: LoadResult[]; notes: Notes; cpu?: CpuFigure };

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

interface WorkloadBase {
  name: string;
  /** Start the cluster with https client and peer URLs, both requiring client certificates. */
  tls?: boolean;
}

/** Runs on one target's freshly started cluster at a time. */
export interface SingleTargetWorkload extends WorkloadBase {
  run(ctx: WorkloadContext): Promise<CaseOutcome[]>;
}

/**
 * Runs with every target's cluster up at once, to alternate between them run by run: for a
 * figure that the load of a shared machine moves more than runs minutes apart could be compared.
 * Returns each target's outcomes, in the order of `ctxs`.
 */
export interface AlternatingWorkload extends WorkloadBase {
  alternate(ctxs: WorkloadContext[]): Promise<CaseOutcome[][]>;
}

export type Workload = SingleTargetWorkload | AlternatingWorkload;

/** For jobs that end after a fixed amount of work rather than a fixed time. */
export const UNTIMED: Timing = { warmupMs: 0 };

export function concurrencyLevels(options: BenchOptions, defaults: number[]): number[] {
  return options.concurrency ?? defaults;
}
