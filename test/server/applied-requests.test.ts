import { describe, expect, it } from 'vitest';
import { AppliedRequests, RUNS_PER_MEMBER, SEQS_PER_RUN } from '../../src/server/applied-requests.js';

const id = (seq: number, low: number, run = 1, from = 'm1') => ({ from, run, seq, low });

describe('the record of applied requests', () => {
  it('a seq is new once, then a duplicate; below the watermark it is stale', () => {
    const r = new AppliedRequests();
    expect(r.admit(id(3, 1))).toBe('new');
    expect(r.admit(id(1, 1))).toBe('new'); // applied after a later one: a copy offered again
    expect(r.admit(id(3, 1))).toBe('duplicate');
    expect(r.admit(id(5, 4))).toBe('new'); // its proposer waited on nothing below 4
    expect(r.admit(id(2, 2))).toBe('stale');
    expect(r.admit(id(4, 4))).toBe('new');
    expect(r.toData()).toEqual([['m1', [[1, 4, [4, 5]]]]]);
    expect([2, 3, 4, 5, 6].map((seq) => r.covers({ from: 'm1', run: 1, seq }))).toEqual([true, true, true, true, false]);
  });

  it(`keeps at most ${SEQS_PER_RUN} seqs per run: past that the smallest go and the watermark rises above them`, () => {
    const r = new AppliedRequests();
    // seq 1 still waited on (low 1) while the rest apply: the set grows.
    for (let seq = 2; seq <= SEQS_PER_RUN + 11; seq++) r.admit(id(seq, 1));
    const [[, [[, watermark, seqs]]]] = r.toData() as [string, [number, number, number[]][]][];
    expect(seqs).toHaveLength(SEQS_PER_RUN);
    expect(watermark).toBe(12);
    expect(seqs[0]).toBe(12);
    expect(r.admit(id(11, 1))).toBe('stale'); // dropped from the set: refused, never applied again
    expect(r.admit(id(1, 1))).toBe('stale'); // the request still waited on: refused too (bounded liveness)
    expect(r.admit(id(12, 1))).toBe('duplicate');
  });

  it(`keeps the ${RUNS_PER_MEMBER} runs of a member first seen most recently`, () => {
    const r = new AppliedRequests();
    for (let run = 1; run <= RUNS_PER_MEMBER + 1; run++) r.admit(id(1, 1, run));
    r.admit(id(1, 1, 1, 'm2'));
    const [[, runs], [other]] = r.toData();
    expect(runs.map(([run]) => run)).toEqual(Array.from({ length: RUNS_PER_MEMBER }, (_, i) => i + 2));
    expect(other).toBe('m2');
    expect(r.admit(id(1, 1, 2))).toBe('duplicate');
  });

  it('forgets a member', () => {
    const r = new AppliedRequests();
    r.admit(id(1, 1, 1, 'm1'));
    r.admit(id(1, 1, 1, 'm2'));
    r.forget('m1');
    expect(r.toData().map(([m]) => m)).toEqual(['m2']);
  });

  it('round-trips through its data in the same order', () => {
    const r = new AppliedRequests();
    for (const [seq, low, run, from] of [[4, 2, 9, 'm2'], [2, 2, 9, 'm2'], [1, 1, 3, 'm1'], [1, 1, 5, 'm2']] as const) r.admit(id(seq, low, run, from));
    const copy = AppliedRequests.fromData(r.toData());
    expect(copy.toData()).toEqual(r.toData());
    expect(copy.admit(id(2, 2, 9, 'm2'))).toBe('duplicate');
    expect(copy.admit(id(3, 2, 9, 'm2'))).toBe('new');
  });
});
