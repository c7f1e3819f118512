import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft/types.js';
import type { Entry } from '../../raft/types.js';
import { SafetyChecker } from './safety-checker.js';

function entry(index: number, term: number, data = `e${index}.${term}`): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(data) };
}

function log(id: string, ...terms: number[]): { id: string; entries: Entry[] } {
  return { id, entries: terms.map((term, i) => entry(i + 1, term)) };
}

/** A checker in which a leader of term 2 committed entries 1..3 (terms 1, 1, 2). */
function committedThrough3(): SafetyChecker {
  const checker = new SafetyChecker();
  checker.observeLeaderCommit(2, 1, 1);
  checker.observeLeaderCommit(2, 2, 1);
  checker.observeLeaderCommit(2, 3, 2);
  return checker;
}

describe('the safety checker', () => {
  it('accepts one leader per term, even when the same leader is reported again', () => {
    const checker = new SafetyChecker();
    checker.observeLeader('n1', 1);
    checker.observeLeader('n1', 1);
    checker.observeLeader('n2', 2);
    expect(checker.termsWithLeaders()).toBe(2);
  });

  it('reports two leaders in one term as broken election safety', () => {
    const checker = new SafetyChecker();
    checker.observeLeader('n1', 3);
    expect(() => checker.observeLeader('n2', 3)).toThrow(/election safety.*n1 and n2 both led term 3/);
  });

  it('compares only the pairs in which a log changed', () => {
    const checker = new SafetyChecker();
    // n1 and n2 agree on 2/2 but not on 1: only a look at that pair finds it.
    const [a, b, c] = [log('n1', 1, 2), log('n2', 2, 2), log('n3')];
    checker.checkLogMatching([a, b, c], [c]);
    expect(() => checker.checkLogMatching([a, b, c], [b])).toThrow(/log matching.*n2 and n1 agree on 2\/2 but differ at 1/);
  });

  it('accepts logs that agree up to their last common entry and differ after it', () => {
    new SafetyChecker().checkLogMatching([log('n1', 1, 1, 2, 2), log('n2', 1, 1, 3), log('n3', 1)]);
  });

  it('reports logs that share an entry but differ before it as broken log matching', () => {
    const a = log('n1', 1, 1, 2);
    const b = log('n2', 1, 1, 2);
    b.entries[1] = entry(2, 1, 'something else');
    expect(() => new SafetyChecker().checkLogMatching([a, b])).toThrow(/log matching.*agree on 3\/2 but differ at 2/);
  });

  it('compares only the indexes both logs still hold after compaction', () => {
    const compacted = { id: 'n2', entries: [entry(3, 2), entry(4, 2)] };
    new SafetyChecker().checkLogMatching([log('n1', 1, 1, 2, 2), compacted]);
  });

  it('reports a leader of a later term missing a committed entry as broken leader completeness', () => {
    const checker = committedThrough3();
    expect(() => checker.checkLeaderCompleteness(3, log('n3', 1, 1))).toThrow(/leader completeness.*lacks 3\/2/);
    expect(() => checker.checkLeaderCompleteness(3, log('n3', 1, 1, 3))).toThrow(/leader completeness/);
  });

  it('accepts a later leader whose log holds the committed entries or has them in its snapshot', () => {
    const checker = committedThrough3();
    checker.checkLeaderCompleteness(3, log('n1', 1, 1, 2, 3));
    checker.checkLeaderCompleteness(3, { id: 'n2', entries: [entry(4, 3)] });
    // A leader of the committing term itself (or earlier) is not bound by it.
    checker.checkLeaderCompleteness(2, log('n3', 1, 1));
  });

  it('reports two members applying different entries at one index as broken state machine safety', () => {
    const checker = committedThrough3();
    checker.observeApplied('n1', entry(1, 1), 'd11');
    checker.observeApplied('n2', entry(1, 1), 'd11');
    expect(() => checker.observeApplied('n3', entry(1, 1, 'other'), 'd11')).toThrow(/state machine safety/);
    expect(() => checker.observeApplied('n3', entry(1, 1), 'd12')).toThrow(/state machine safety.*different states at index 1/);
  });

  it('reports applying an entry no leader committed', () => {
    const checker = committedThrough3();
    expect(() => checker.observeApplied('n1', entry(4, 2), 'd1')).toThrow(/commit safety.*applied 4\/2/);
    expect(() => checker.observeApplied('n1', entry(3, 1), 'd1')).toThrow(/commit safety.*applied 3\/1/);
  });

  it('reports a commit index beyond anything a leader committed', () => {
    const checker = committedThrough3();
    checker.observeCommitIndex('n2', 3);
    expect(() => checker.observeCommitIndex('n2', 4)).toThrow(/commit safety.*n2 has commit 4/);
  });

  it('reports two leaders committing different entries at one index', () => {
    const checker = committedThrough3();
    expect(() => checker.observeLeaderCommit(3, 3, 3)).toThrow(/commit safety.*index 3 committed with term 2 and later with term 3/);
  });

  it('accepts a read point at or above what was committed when the read was requested', () => {
    const checker = committedThrough3();
    checker.observeReadRequested('r1');
    checker.observeReadState('n2', 'r1', 3);
    checker.observeReadState('n2', 'r1', 5);
  });

  it('reports a read point older than a write committed before the read as a stale read', () => {
    const checker = committedThrough3();
    checker.observeReadRequested('r1');
    expect(() => checker.observeReadState('n2', 'r1', 2)).toThrow(/linearizable reads.*read point 2 for r1, but 3 was committed/);
    expect(() => checker.observeReadState('n2', 'r9', 3)).toThrow(/nobody requested/);
  });

  it('reports a restored snapshot whose state differs from what was applied at its index', () => {
    const checker = committedThrough3();
    checker.observeApplied('n1', entry(1, 1), 'd11');
    checker.observeSnapshotRestored('n2', 1, 'd11');
    expect(() => checker.observeSnapshotRestored('n3', 1, 'd99')).toThrow(/state machine safety.*snapshot at 1/);
    expect(() => checker.observeSnapshotRestored('n3', 2, 'd11')).toThrow(/nobody applied/);
  });
});
