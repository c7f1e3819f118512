// The failover workload's arithmetic on a log of write attempts: the write gap per fault, the
// writes a fault caught in flight, and what the store read back says about lost and duplicated
// writes. Times are made-up epoch ms.
import { describe, expect, it } from 'vitest';
import { checkStore, failuresByKind, faultFigures, isTimeout, summarize, type Attempt } from '../../bench/failover-figures.js';
import type { Fault } from '../../bench/load-protocol.js';

const ack = (id: string, sentAt: number, answeredAt: number, term: number): Attempt => ({ id, member: 0, sentAt, answeredAt, term });
const fail = (id: string, sentAt: number, answeredAt: number, failure: string): Attempt => ({ id, member: 0, sentAt, answeredAt, failure });
const fault = (at: number, term: number, index = 0): Fault => ({ index, member: 1, how: 'kill', at, term });

const TIMEOUT = 'http 500 code 300 (etcdserver: request timed out, possibly due to previous leader failure)';

describe('faultFigures', () => {
  it("measures the gap from the last acknowledged write to the next leader's first, stragglers of the old term included", () => {
    const log = [
      ack('a', 80, 95, 3),
      ack('b', 90, 108, 3), // answered after the kill, committed before it
      fail('c', 100, 110, 'ECONNRESET'),
      ack('d', 99, 1_500, 4),
      ack('e', 1_500, 1_510, 4),
    ];
    expect(faultFigures(log, fault(105, 3))?.gapMs).toBe(1_500 - 108);
  });

  it("does not take an acknowledgment in the fault's own term for the next leader's", () => {
    const log = [ack('a', 0, 10, 3), ack('b', 5, 200, 3)];
    expect(faultFigures(log, fault(100, 3))).toBeUndefined();
  });

  it('counts from the signal when nothing was acknowledged before it', () => {
    expect(faultFigures([ack('a', 0, 700, 2)], fault(100, 1))?.gapMs).toBe(600);
  });

  it('finds the writes sent before the signal and answered after it, whatever the answer', () => {
    const log = [ack('before', 0, 50, 1), ack('held', 60, 900, 2), fail('lost', 70, 7_070, TIMEOUT), ack('after', 200, 300, 2)];
    expect(faultFigures(log, fault(100, 1))!.inFlight.map((a) => a.id)).toEqual(['held', 'lost']);
  });
});

describe('summarize', () => {
  it('gives the median and maximum gap, and counts a write in flight at two faults once', () => {
    const log = [
      ack('a', 0, 10, 1),
      fail('stuck', 20, 7_020, TIMEOUT), // in flight at both faults
      ack('b', 50, 1_050, 2),
      ack('c', 1_060, 1_070, 2),
      ack('d', 1_100, 3_100, 3),
      ack('e', 3_200, 3_300, 3),
      ack('f', 3_400, 3_900, 4),
    ];
    const figures = [fault(100, 1, 0), fault(2_000, 2, 1), fault(3_350, 3, 2)].map((f) => faultFigures(log, f)!);
    expect(figures.map((f) => f.gapMs)).toEqual([1_040, 2_030, 600]);
    expect(summarize(figures)).toEqual({ faults: 3, medianGapMs: 1_040, maxGapMs: 2_030, inFlight: 3, slowestInFlight: log[1], inFlightTimeouts: 1 });
  });
});

describe('isTimeout', () => {
  it("knows etcd's timeout answers and undici's, and nothing else", () => {
    expect(isTimeout(TIMEOUT)).toBe(true);
    expect(isTimeout('http 500 code 300 (etcdserver: request timed out)')).toBe(true);
    expect(isTimeout('UND_ERR_HEADERS_TIMEOUT')).toBe(true);
    for (const other of ['ECONNRESET', 'UND_ERR_SOCKET', 'http 500 code 300 (etcdserver: server stopped)', undefined]) expect(isTimeout(other)).toBe(false);
  });
});

describe('checkStore', () => {
  it('counts acknowledged values missing, values stored twice, and failed writes that were applied anyway', () => {
    const log = [ack('kept', 0, 1, 1), ack('gone', 0, 1, 1), fail('ambiguous', 0, 1, 'UND_ERR_SOCKET'), fail('refused', 0, 1, 'ECONNREFUSED')];
    const stored = new Map([['kept', 2], ['ambiguous', 1]]);
    expect(checkStore(log, stored)).toEqual({ lost: 1, duplicates: 1, failedButApplied: 1 });
  });
});

describe('failuresByKind', () => {
  it('counts failed attempts by kind, most frequent first', () => {
    const log = [fail('a', 0, 1, 'ECONNREFUSED'), ack('b', 0, 1, 1), fail('c', 0, 1, TIMEOUT), fail('d', 0, 1, TIMEOUT)];
    expect(failuresByKind(log)).toEqual([[TIMEOUT, 2], ['ECONNREFUSED', 1]]);
  });
});
