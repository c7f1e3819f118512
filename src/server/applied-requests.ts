// The replicated record of which requests have taken effect, so that a request committed more
// than once (its proposer offers it again to each new leader: Proposer.offerAgain) takes effect
// once. Part of the state machine: changed only by applying entries, carried in snapshots, so
// every member, and a member replaying its log after a restart, decides every copy alike.
//
// Per proposing process (member, run) it keeps a watermark W, the highest `low` applied (the
// smallest seq that process was still waiting on when it proposed), and the applied seqs >= W.
// A copy whose seq is in the set is a duplicate. A copy below W is stale: when its proposer
// proposed something later it was no longer waiting on this seq, so the seq was either applied
// already or given up (timed out, failed fast; indeterminate to its client, as etcd's timeouts
// are); either way it must not take effect now. Safety never depends on the bounds below: a seq
// they make the record forget falls below W and is refused, never applied twice. What they cost
// is liveness, a still-waiting request refused (with etcd's timeout error) instead of applied.
import type { RequestId, RequestKey } from './request-id.js';

/**
 * Applied seqs kept per run. The set holds what applied while an older request of the same
 * process was still waiting (a proposal that died with its leader, until offered again), so it
 * grows with that process's apply rate over such a wait, which is at most the request timeout
 * (7 s): 65,536 covers over 9,000 applied requests a second from one member through a full
 * timeout. Past it the smallest seqs are dropped and W raised above them. A full set is about
 * 0.5 MiB in memory and 320 KiB in a snapshot; it is that large only while a request waits.
 */
export const SEQS_PER_RUN = 65_536;

/**
 * Runs kept per member, the most recently first seen. A member's run is forgotten once it has
 * restarted this many times since, and a copy of that run's request could commit only if it
 * reached a leader's log after all those restarts: a copy is appended when a leader receives it
 * (while its process lived, or moments after, from a socket buffer), and an entry not committed
 * by the time any later-term entry commits never will be.
 */
export const RUNS_PER_MEMBER = 8;

export type Verdict = 'new' | 'duplicate' | 'stale';

interface RunRecord {
  watermark: number;
  /** Ascending, every one >= watermark. */
  seqs: number[];
}

/** Members in the order first seen, each with its runs in the order first seen: [run, watermark, seqs]. */
export type AppliedRequestsData = [member: string, runs: [run: number, watermark: number, seqs: number[]][]][];

export class AppliedRequests {
  private readonly members = new Map<string, Map<number, RunRecord>>();

  static fromData(data: AppliedRequestsData): AppliedRequests {
    const record = new AppliedRequests();
    for (const [member, runs] of data) {
      record.members.set(member, new Map(runs.map(([run, watermark, seqs]) => [run, { watermark, seqs: [...seqs] }])));
    }
    return record;
  }

  /** Decides a copy of request `id` and, if it is new, records it as applied. */
  admit(id: RequestId): Verdict {
    const r = this.runOf(id.from, id.run);
    if (id.seq < r.watermark) return 'stale';
    const at = firstAtLeast(r.seqs, id.seq);
    if (r.seqs[at] === id.seq) return 'duplicate';
    r.seqs.splice(at, 0, id.seq);
    if (id.low > r.watermark) raise(r, id.low);
    if (r.seqs.length > SEQS_PER_RUN) raise(r, r.seqs[r.seqs.length - SEQS_PER_RUN]!);
    return 'new';
  }

  /** Whether a copy of `id` would be refused now: it took effect already, or can no longer. */
  covers(id: RequestKey): boolean {
    const r = this.members.get(id.from)?.get(id.run);
    return r !== undefined && (id.seq < r.watermark || r.seqs[firstAtLeast(r.seqs, id.seq)] === id.seq);
  }

  /** A removed member proposes nothing more that may apply (the state machine refuses it): its runs go. */
  forget(member: string): void {
    this.members.delete(member);
  }

  toData(): AppliedRequestsData {
    return [...this.members].map(([member, runs]) => [member, [...runs].map(([run, r]) => [run, r.watermark, [...r.seqs]])]);
  }

  private runOf(member: string, run: number): RunRecord {
    let runs = this.members.get(member);
    if (!runs) this.members.set(member, (runs = new Map()));
    let r = runs.get(run);
    if (!r) {
      runs.set(run, (r = { watermark: 0, seqs: [] }));
      if (runs.size > RUNS_PER_MEMBER) runs.delete(runs.keys().next().value!);
    }
    return r;
  }
}

function raise(r: RunRecord, watermark: number): void {
  r.watermark = watermark;
  r.seqs.splice(0, firstAtLeast(r.seqs, watermark));
}

/** Index of the first element >= x in an ascending array (its length if none). */
function firstAtLeast(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
