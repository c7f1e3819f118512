// One row of the report: a workload's case on one target, reduced to its figures.
import type { TargetKind } from './cluster-target.js';
import { Histogram, type LatencySummary } from './latency.js';
import type { Notes, TimelineWindow } from './load-protocol.js';
import type { CaseOutcome } from './workloads/workload.js';

export interface Row {
  workload: string;
  case: string;
  target: TargetKind;
  ops: number;
  seconds: number;
  opsPerSec: number;
  latency: LatencySummary;
  errors: Record<string, number>;
  notes: Notes;
  timeline?: TimelineWindow[];
}

export interface Ratio {
  workload: string;
  case: string;
  /** raftkv ops/s divided by etcd ops/s. */
  opsPerSec: number;
}

export function toRow(workload: string, target: TargetKind, { case: name, result }: CaseOutcome): Row {
  return {
    workload,
    case: name,
    target,
    ops: result.ops,
    seconds: result.seconds,
    opsPerSec: result.ops / result.seconds,
    latency: Histogram.from(result.latency).summary(),
    errors: result.errors,
    notes: result.notes,
    timeline: result.timeline,
  };
}

export const caseKey = (row: { workload: string; case: string }): string => `${row.workload}\u0000${row.case}`;

/** raftkv/etcd for every case both targets ran. */
export function ratios(rows: Row[]): Ratio[] {
  const etcd = new Map(rows.filter((r) => r.target === 'etcd').map((r) => [caseKey(r), r]));
  return rows.flatMap((r) => {
    const other = r.target === 'raftkv' ? etcd.get(caseKey(r)) : undefined;
    return other ? [{ workload: r.workload, case: r.case, opsPerSec: other.opsPerSec > 0 ? r.opsPerSec / other.opsPerSec : 0 }] : [];
  });
}
