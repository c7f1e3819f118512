// The failover worker's log of write attempts tells the harness when writes resumed after a
// fault and when every writer has had an answer to a write sent after a given time.
import { describe, expect, it } from 'vitest';
import { WriteLog } from '../../bench/jobs/write-log.js';
import type { Fault } from '../../bench/load-protocol.js';

const fault: Fault = { index: 0, member: 2, how: 'term', at: 1_000, term: 5 };

describe('WriteLog', () => {
  it("reports the next leader's first acknowledged write once it is logged, and only that one", () => {
    const log = new WriteLog(2);
    const seen: number[] = [];
    log.whenResumed(fault, (at) => seen.push(at));
    log.add(0, { id: 'old-term', member: 0, sentAt: 990, answeredAt: 1_004, term: 5 });
    log.add(1, { id: 'failed', member: 2, sentAt: 995, answeredAt: 1_005, failure: 'ECONNRESET' });
    expect(seen).toEqual([]);
    log.add(1, { id: 'new-term', member: 0, sentAt: 1_010, answeredAt: 1_030, term: 6 });
    log.add(0, { id: 'later', member: 1, sentAt: 1_020, answeredAt: 1_040, term: 6 });
    expect(seen).toEqual([1_030]);
  });

  it('reports at once a resumption logged before the harness asked', () => {
    const log = new WriteLog(1);
    log.add(0, { id: 'new-term', member: 0, sentAt: 1_010, answeredAt: 1_020, term: 6 });
    const seen: number[] = [];
    log.whenResumed(fault, (at) => seen.push(at));
    expect(seen).toEqual([1_020]);
  });

  it('reports settled once every client has had an answer to a write sent at or after the given time', () => {
    const log = new WriteLog(2);
    let settled = 0;
    log.whenSettled(2_000, () => settled++);
    log.add(0, { id: 'a', member: 0, sentAt: 2_000, answeredAt: 2_010, term: 6 });
    log.add(1, { id: 'stuck', member: 1, sentAt: 1_500, answeredAt: 8_500, failure: 'http 500 code 300 (etcdserver: request timed out)' });
    expect(settled).toBe(0);
    log.add(1, { id: 'b', member: 2, sentAt: 8_520, answeredAt: 8_530, term: 6 });
    expect(settled).toBe(1);
    log.add(0, { id: 'c', member: 1, sentAt: 8_540, answeredAt: 8_550, term: 6 });
    expect(settled).toBe(1);
  });
});
