// The Raft safety properties (Raft paper, figure 3), checked against what the simulated members
// actually did: who led which term, what leaders committed, what members applied, and their logs.
import type { Entry, NodeId } from '../../raft/types.js';
import { PropertyViolation } from './property-violation.js';

/** A member's log as written to its disk: contiguous entries, possibly starting after a snapshot. */
export interface LogView {
  id: NodeId;
  entries: readonly Entry[];
}

interface CommittedEntry {
  term: number;
  /** Lowest term of a leader seen committing it: leaders of later terms must hold it. */
  commitTerm: number;
}

interface AppliedEntry {
  by: NodeId;
  term: number;
  type: number;
  data: Uint8Array;
  /** Digest of the replicated state right after applying it. */
  digest: string;
}

export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly committed = new Map<number, CommittedEntry>();
  private highestCommitted = 0;
  private readonly applied = new Map<number, AppliedEntry>();
  /** ReadIndex requests by context: the highest index any leader had committed when each was made. */
  private readonly readsRequested = new Map<string, number>();
  /** Request ids (member, run, seq) by the lowest index any member applied a copy of them at. */
  private readonly requestsFirstApplied = new Map<string, number>();

  /** Election safety: at most one leader per term, over the whole run. */
  observeLeader(id: NodeId, term: number): void {
    const known = this.leaderOfTerm.get(term);
    if (known === undefined) this.leaderOfTerm.set(term, id);
    else if (known !== id) throw new PropertyViolation('election safety', `${known} and ${id} both led term ${term}`);
  }

  /** A ReadIndex request went in: it must not be answered with anything older than what is committed now. */
  observeReadRequested(ctx: string): void {
    this.readsRequested.set(ctx, this.highestCommitted);
  }

  /** Linearizable reads: a read point covers every write committed before the read was asked for. */
  observeReadState(id: NodeId, ctx: string, index: number): void {
    const floor = this.readsRequested.get(ctx);
    if (floor === undefined) throw new PropertyViolation('linearizable reads', `${id} got read state ${ctx} that nobody requested`);
    if (index < floor) {
      throw new PropertyViolation('linearizable reads', `${id} got read point ${index} for ${ctx}, but ${floor} was committed when it was requested`);
    }
  }

  /** A leader of `leaderTerm` advanced its commit index over the entry at `index` (of term `entryTerm`). */
  observeLeaderCommit(leaderTerm: number, index: number, entryTerm: number): void {
    const known = this.committed.get(index);
    if (!known) {
      this.committed.set(index, { term: entryTerm, commitTerm: leaderTerm });
      this.highestCommitted = Math.max(this.highestCommitted, index);
      return;
    }
    if (known.term !== entryTerm) {
      throw new PropertyViolation('commit safety', `index ${index} committed with term ${known.term} and later with term ${entryTerm}`);
    }
    known.commitTerm = Math.min(known.commitTerm, leaderTerm);
  }

  /** No member may believe more is committed than some leader committed. */
  observeCommitIndex(id: NodeId, commit: number): void {
    if (commit > this.highestCommitted) {
      throw new PropertyViolation('commit safety', `${id} has commit ${commit} but no leader committed past ${this.highestCommitted}`);
    }
  }

  /** State machine safety: every member applies the same entry, reaching the same state, at each index. */
  observeApplied(id: NodeId, entry: Entry, digest: string): void {
    const committed = this.committed.get(entry.index);
    if (!committed || committed.term !== entry.term) {
      throw new PropertyViolation('commit safety', `${id} applied ${entry.index}/${entry.term}, which no leader committed`);
    }
    const first = this.applied.get(entry.index);
    if (!first) {
      this.applied.set(entry.index, { by: id, term: entry.term, type: entry.type, data: entry.data.slice(), digest });
      return;
    }
    if (first.term !== entry.term || first.type !== entry.type || !sameBytes(first.data, entry.data)) {
      throw new PropertyViolation('state machine safety', `${first.by} applied ${entry.index}/${first.term} but ${id} applied ${entry.index}/${entry.term} with different contents`);
    }
    if (first.digest !== digest) {
      throw new PropertyViolation('state machine safety', `${first.by} and ${id} reached different states at index ${entry.index}`);
    }
  }

  /**
   * A member applied a copy of request `key` at `index`: whether a copy of it was applied at a
   * lower index (by anyone), so that this one must change nothing (exactly once).
   */
  observeRequestApplied(key: string, index: number): boolean {
    const first = this.requestsFirstApplied.get(key);
    if (first === undefined || index < first) this.requestsFirstApplied.set(key, index);
    return first !== undefined && first < index;
  }

  /** A snapshot restored at `index` must hold the state every member reached there. */
  observeSnapshotRestored(id: NodeId, index: number, digest: string): void {
    const first = this.applied.get(index);
    if (!first) throw new PropertyViolation('state machine safety', `${id} restored a snapshot at ${index}, which nobody applied`);
    if (first.digest !== digest) {
      throw new PropertyViolation('state machine safety', `${id} restored a snapshot at ${index} whose state differs from what ${first.by} applied`);
    }
  }

  /** Leader completeness: a leader of `term` holds every entry committed by a leader of an earlier term. */
  checkLeaderCompleteness(term: number, log: LogView): void {
    const first = log.entries[0]?.index ?? Number.POSITIVE_INFINITY;
    for (const [index, c] of this.committed) {
      if (c.commitTerm >= term || index < first) continue; // below `first` it lives in the leader's snapshot
      const held = log.entries[index - first];
      if (!held || held.term !== c.term) {
        throw new PropertyViolation('leader completeness', `${log.id}, leader of term ${term}, lacks ${index}/${c.term} committed in term ${c.commitTerm} (holds ${held ? `${held.index}/${held.term}` : 'nothing'})`);
      }
    }
  }

  /**
   * Log matching: two logs with an entry of the same index and term are identical up to it.
   * Only pairs with a log in `changed` are compared (the others were when they last changed).
   */
  checkLogMatching(logs: readonly LogView[], changed: readonly LogView[] = logs): void {
    const compared = new Set<LogView>();
    for (const a of changed) {
      compared.add(a);
      for (const b of logs) if (!compared.has(b)) checkPair(a, b);
    }
  }

  termsWithLeaders(): number {
    return this.leaderOfTerm.size;
  }
}

function checkPair(a: LogView, b: LogView): void {
  if (a.entries.length === 0 || b.entries.length === 0) return;
  const aFirst = a.entries[0]!.index;
  const bFirst = b.entries[0]!.index;
  const lo = Math.max(aFirst, bFirst);
  const hi = Math.min(aFirst + a.entries.length, bFirst + b.entries.length) - 1;
  let matchedAt = 0;
  for (let i = hi; i >= lo; i--) {
    const x = a.entries[i - aFirst]!;
    const y = b.entries[i - bFirst]!;
    if (matchedAt === 0 && x.term === y.term) matchedAt = i;
    if (matchedAt === 0) continue;
    if (x.term !== y.term || x.type !== y.type || !sameBytes(x.data, y.data)) {
      throw new PropertyViolation('log matching', `${a.id} and ${b.id} agree on ${matchedAt}/${a.entries[matchedAt - aFirst]!.term} but differ at ${i}`);
    }
  }
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
