// What a failover run's log of write attempts says: per fault, how long writes stopped being
// acknowledged and what happened to the writes in flight when it struck; and, against the store
// read back afterwards, acknowledged writes lost and writes applied twice.
import type { Fault } from './load-protocol.js';
import { median } from './run-figures.js';

/** One write attempt, logged when it was answered; every attempt carries a value of its own. */
export interface Attempt {
  id: string;
  /** The member it was sent to. */
  member: number;
  /** Epoch ms. */
  sentAt: number;
  answeredAt: number;
  /** Acknowledged: the Raft term the answering member was in (X-Raft-Term). */
  term?: number;
  /** Failed: what went wrong (an error kind). */
  failure?: string;
}

export interface FaultFigures {
  fault: Fault;
  /**
   * From the last write acknowledged before the first one the next leader acknowledged (a term
   * later than the fault's) to that first one: how long no write was acknowledged.
   */
  gapMs: number;
  /** Writes sent before the signal and answered after it. */
  inFlight: Attempt[];
}

/** etcd's "etcdserver: request timed out…" (as raftkv's), or undici giving up waiting for an answer. */
export function isTimeout(failure: string | undefined): boolean {
  return failure !== undefined && /timed out|_TIMEOUT$/.test(failure);
}

/** Whether `a` is a write the leader after `fault` acknowledged: after the signal, in a later term. */
export function resumes(a: Attempt, fault: Fault): boolean {
  return a.term !== undefined && a.term > fault.term && a.answeredAt >= fault.at;
}

/** `attempts` in the order they were answered; undefined for a fault writes never resumed after. */
export function faultFigures(attempts: readonly Attempt[], fault: Fault): FaultFigures | undefined {
  const first = attempts.findIndex((a) => resumes(a, fault));
  if (first < 0) return undefined;
  const resumedAt = attempts[first]!.answeredAt;
  let previous = fault.at;
  for (let i = first - 1; i >= 0; i--) {
    if (attempts[i]!.term !== undefined) {
      previous = attempts[i]!.answeredAt;
      break;
    }
  }
  return {
    fault,
    gapMs: resumedAt - previous,
    inFlight: attempts.filter((a) => a.sentAt < fault.at && a.answeredAt > fault.at),
  };
}

export interface StoreCheck {
  /** Acknowledged writes whose value is not in the store. */
  lost: number;
  /** Extra copies of a value: the store applied one write more than once. */
  duplicates: number;
  /** Writes answered with an error whose value is in the store (the error was ambiguous). */
  failedButApplied: number;
}

/** `stored` counts how often each attempt's value is in the store. */
export function checkStore(attempts: readonly Attempt[], stored: ReadonlyMap<string, number>): StoreCheck {
  let lost = 0;
  let failedButApplied = 0;
  for (const a of attempts) {
    const copies = stored.get(a.id) ?? 0;
    if (a.term !== undefined && copies === 0) lost++;
    if (a.term === undefined && copies > 0) failedButApplied++;
  }
  let duplicates = 0;
  for (const copies of stored.values()) duplicates += Math.max(0, copies - 1);
  return { lost, duplicates, failedButApplied };
}

export interface FaultSummary {
  faults: number;
  medianGapMs: number;
  maxGapMs: number;
  /** Over the writes in flight at any fault (each counted once, however many faults it saw). */
  inFlight: number;
  /** The one of those that took longest to be answered. */
  slowestInFlight: Attempt | undefined;
  /** Of those, the ones answered with a timeout (the member's or the client's). */
  inFlightTimeouts: number;
}

export function summarize(figures: readonly FaultFigures[]): FaultSummary {
  const gaps = figures.map((f) => f.gapMs);
  const inFlight = [...new Set(figures.flatMap((f) => f.inFlight))];
  return {
    faults: figures.length,
    medianGapMs: figures.length ? median(gaps) : 0,
    maxGapMs: Math.max(0, ...gaps),
    inFlight: inFlight.length,
    slowestInFlight: inFlight.reduce<Attempt | undefined>((slowest, a) => (slowest && slowest.answeredAt - slowest.sentAt >= a.answeredAt - a.sentAt ? slowest : a), undefined),
    inFlightTimeouts: inFlight.filter((a) => isTimeout(a.failure)).length,
  };
}

/** Failed attempts by kind, most frequent first. */
export function failuresByKind(attempts: readonly Attempt[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const a of attempts) if (a.failure !== undefined) counts.set(a.failure, (counts.get(a.failure) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}
