import { describe, expect, test } from 'vitest';
import { Progress, ProgressState } from '../../raft/progress.js';

function probing(match: number, next: number): Progress {
  const pr = new Progress(next, false, 4);
  pr.match = match;
  return pr;
}

describe('a follower progress', () => {
  test('in probe state pauses after one append until a heartbeat response', () => {
    const pr = probing(0, 5);
    expect(pr.isPaused()).toBe(false);
    pr.sentAppend(3, 7);
    expect(pr.isPaused()).toBe(true);
    expect(pr.next).toBe(5); // probe does not advance next optimistically
    pr.heartbeatAcked();
    expect(pr.isPaused()).toBe(false);
  });

  test('moves from probe to replicate when an append is acknowledged', () => {
    const pr = probing(0, 5);
    pr.sentAppend(2, 6);
    expect(pr.appendAcked(6, 1)).toBe(true);
    expect(pr.state).toBe(ProgressState.Replicate);
    expect(pr.match).toBe(6);
    expect(pr.next).toBe(7);
  });

  test('in replicate state advances next optimistically and pauses when the window is full', () => {
    const pr = probing(0, 1);
    pr.appendAcked(0, 1);
    expect(pr.state).toBe(ProgressState.Replicate);
    for (let i = 1; i <= 4; i++) pr.sentAppend(1, i);
    expect(pr.next).toBe(5);
    expect(pr.isPaused()).toBe(true);
    pr.appendAcked(2, 1);
    expect(pr.isPaused()).toBe(false);
  });

  test('in replicate state falls back to probe on a rejection, and ignores a stale one', () => {
    const pr = probing(0, 1);
    pr.appendAcked(5, 1);
    pr.sentAppend(3, 8);
    expect(pr.appendRejected(4, 4)).toBe(false); // at or below match: stale
    expect(pr.appendRejected(8, 6)).toBe(true);
    expect(pr.state).toBe(ProgressState.Probe);
    expect(pr.next).toBe(6);
  });

  test('in probe state jumps next back to the hinted match, never below match + 1', () => {
    const pr = probing(2, 10);
    expect(pr.appendRejected(7, 3)).toBe(false); // not the latest probe (next - 1 = 9)
    expect(pr.appendRejected(9, 4)).toBe(true);
    expect(pr.next).toBe(5);
    expect(pr.appendRejected(4, 0)).toBe(true);
    expect(pr.next).toBe(3);
  });

  test('waits in snapshot state, and a reported snapshot resumes probing just past it', () => {
    const pr = probing(2, 3);
    pr.snapshotSent(50);
    expect(pr.isPaused()).toBe(true);
    pr.snapshotReported(true);
    expect(pr.state).toBe(ProgressState.Probe);
    expect(pr.next).toBe(51);
    expect(pr.isPaused()).toBe(true); // until the follower's AppResp or a heartbeat response
  });

  test('after a failed snapshot probes from its old match', () => {
    const pr = probing(2, 3);
    pr.snapshotSent(50);
    pr.snapshotReported(false);
    expect(pr.state).toBe(ProgressState.Probe);
    expect(pr.next).toBe(3);
  });

  test('in snapshot state moves to replicate once an ack shows it reaches the first log index', () => {
    const pr = probing(2, 3);
    pr.snapshotSent(50);
    expect(pr.appendAcked(40, 60)).toBe(true);
    expect(pr.state).toBe(ProgressState.Snapshot);
    pr.appendAcked(59, 60);
    expect(pr.state).toBe(ProgressState.Replicate);
    expect(pr.next).toBe(60);
  });

  test('an unreachable report stops pipelining to a replicating follower', () => {
    const pr = probing(0, 1);
    pr.appendAcked(3, 1);
    pr.unreachable();
    expect(pr.state).toBe(ProgressState.Probe);
    expect(pr.next).toBe(4);
  });

  test('a heartbeat response makes room in a full window whose acks were lost', () => {
    const pr = probing(0, 1);
    pr.appendAcked(0, 1);
    for (let i = 1; i <= 4; i++) pr.sentAppend(1, i);
    expect(pr.isPaused()).toBe(true);
    pr.heartbeatAcked();
    expect(pr.isPaused()).toBe(false);
  });
});
