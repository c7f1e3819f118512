// One row of the report: a workload's case on one target, reduced to its figures.
import type { TargetKind } from './cluster-target.js';
import type { LatencySummary } from './latency.js';
import type { LoadResult, Notes, TimelineEvent, TimelineWindow } from './load-protocol.js';
import { figuresOf } from './run-figures.js';
import type { CaseOutcome, CpuFigure } from './workloads/workload.js';

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
  events?: TimelineEvent[];
  /** The cpu workload's figure. */
  cpu?: CpuFigure;
}

export interface Ratio {
  workload: string;
  case: string;
  /** raftkv ops/s divided by etcd ops/s. */
  opsPerSec: number;
  /** For the cpu workload: etcd's CPU µs/op divided by raftkv's (above 1 favours raftkv, as opsPerSec does). */
  cpuPerOp?: number;
}

function runsOf(o: CaseOutcome): { runs: LoadResult[]; notes: Notes; timeline?: TimelineWindow[]; events?: TimelineEvent[]; cpu?: CpuFigure } {
  return 'result' in o ? { runs: [o.result], notes: o.result.notes, timeline: o.result.timeline, events: o.result.events } : o;
}

export function toRow(workload: string, target: TargetKind, outcome: CaseOutcome): Row {
  const { runs, notes, timeline, events, cpu } = runsOf(outcome);
  return { workload, case: outcome.case, target, ...figuresOf(runs), notes, timeline, events, cpu };
}

export const caseKey = (row: { workload: string; case: string }): string => `${row.workload}\u0000${row.case}`;

/** raftkv/etcd for every case both targets ran. */
export function ratios(rows: Row[]): Ratio[] {
  const etcd = new Map(rows.filter((r) => r.target === 'etcd').map((r) => [caseKey(r), r]));
  return rows.flatMap((r) => {
    const other = r.target === 'raftkv' ? etcd.get(caseKey(r)) : undefined;
    if (!other) return [];
    const ratio: Ratio = { workload: r.workload, case: r.case, opsPerSec: other.opsPerSec > 0 ? r.opsPerSec / other.opsPerSec : 0 };
    if (r.cpu && other.cpu) ratio.cpuPerOp = other.cpu.microsPerOp / r.cpu.microsPerOp;
    return [ratio];
  });
}
