import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LossProbe } from '../../src/transport/loss-probe.js';

const BOUND_MS = 100;

describe('the loss probe: is a peer whose connection broke gone?', () => {
  let downs: string[];
  let probe: LossProbe;
  beforeEach(() => {
    vi.useFakeTimers();
    downs = [];
    probe = new LossProbe(BOUND_MS, (reason) => downs.push(reason));
  });
  afterEach(() => vi.useRealTimers());

  it('a redial that fails after the connection broke: down, once', () => {
    probe.connectionLost();
    probe.dialing();
    probe.dialFailed('connect ECONNREFUSED');
    probe.dialing();
    probe.dialFailed('connect ECONNREFUSED');
    vi.advanceTimersByTime(10 * BOUND_MS);
    expect(downs).toEqual(['connect ECONNREFUSED']);
  });

  it('a redial unanswered within the bound: down, and its later failure adds nothing', () => {
    probe.connectionLost();
    probe.dialing();
    vi.advanceTimersByTime(BOUND_MS - 1);
    expect(downs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(downs).toEqual([`no answer to a redial within ${BOUND_MS} ms`]);
    probe.dialFailed('handshake timed out');
    expect(downs).toHaveLength(1);
  });

  it('a redial that is answered (welcomed or refused by the peer): alive, even if a later dial fails', () => {
    probe.connectionLost();
    probe.dialing();
    probe.answered();
    vi.advanceTimersByTime(10 * BOUND_MS);
    probe.dialFailed('refused: cluster ID mismatch');
    expect(downs).toEqual([]);
  });

  it('dials that were never preceded by an open connection prove nothing', () => {
    probe.dialing();
    probe.dialFailed('connect ECONNREFUSED');
    vi.advanceTimersByTime(10 * BOUND_MS);
    expect(downs).toEqual([]);
  });

  it('a cancelled probe reports nothing', () => {
    probe.connectionLost();
    probe.dialing();
    probe.cancel();
    vi.advanceTimersByTime(10 * BOUND_MS);
    probe.dialFailed('connect ECONNREFUSED');
    expect(downs).toEqual([]);
  });
});
