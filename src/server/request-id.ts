// What names a request a member waits on, in every copy of it that reaches the log: the proposing
// member, the process (run) that proposed it, that process's sequence number for it, and the
// smallest sequence number that process was still waiting on when it proposed it (its `low`,
// which lets the replicated record of applied requests forget older ones: AppliedRequests).
import type { Random } from './seams.js';

export interface RequestId {
  from: string;
  /**
   * Drawn at random when the process starts: seqs start at 1 in every run, and (from, run) tells
   * this process's requests from those of the member's earlier processes, whose proposals may
   * still commit after a restart, however the wall clock moved in between.
   */
  run: number;
  seq: number;
  low: number;
}

/** What tells one request from another (`low` only describes its process at the time). */
export type RequestKey = Pick<RequestId, 'from' | 'run' | 'seq'>;

/** As the log holds it: entries written before runs existed carry only from and seq. */
export type LoggedRequestId = Pick<RequestId, 'from' | 'seq'> & Partial<Pick<RequestId, 'run' | 'low'>>;

/** Whether a logged id is a whole one (not from before runs existed). */
export function isWhole(id: LoggedRequestId): id is RequestId {
  return id.run !== undefined && id.low !== undefined;
}

/** A run id of 53 random bits (two draws: one double need not carry that many). */
export function newRun(random: Random): number {
  return Math.floor(random() * 2 ** 26) * 2 ** 27 + Math.floor(random() * 2 ** 27);
}
