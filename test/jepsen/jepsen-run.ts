// One randomised run: a proxied cluster (three members, or five), the workload and two watchers
// of its directory, the nemesis for `timeMs`, then every fault healed and the checks. Returns a
// report; the caller decides what fails.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import type { Crash } from '../../bench/harness/process-cluster.js';
import { sleep } from '../../bench/harness/wait.js';
import { Random } from '../sim/random.js';
import { checkAppliedWrites, checkFinalState, compareWatchers } from './applied-writes.js';
import type { Anomaly } from './applied-writes.js';
import { RunClock } from './clock.js';
import { finalReads, lostWrites, staleReads, storeIndex, waitForConvergence, writeSentinel } from './final-checks.js';
import type { Convergence, StaleReads } from './final-checks.js';
import { checkHistory } from './history-checker.js';
import type { HistoryVerdict } from './history-checker.js';
import type { Operation } from './history.js';
import { FAULT_KINDS, Nemesis } from './nemesis.js';
import type { FaultKind, NemesisEvent } from './nemesis.js';
import { PrefixWatcher } from './prefix-watcher.js';
import { ProxiedCluster } from './proxied-cluster.js';
import { checkQueue, readQueue } from './queue-checks.js';
import { summarize, watcherSummary } from './run-summary.js';
import type { WatcherSummary } from './run-summary.js';
import { Workload } from './workload.js';
import type { EndpointChoice } from './workload.js';

export interface RunOptions {
  seed: number;
  timeMs: number;
  /** Cluster size: 3 (default) or 5. */
  members?: number;
  clients?: number;
  keys?: number;
  kinds?: readonly FaultKind[];
  quorumReads?: boolean;
  endpointChoice?: EndpointChoice;
  abortRate?: number;
  unsafeRetries?: boolean;
  log?: (line: string) => void;
}

export interface RunReport {
  seed: number;
  members: number;
  ops: number;
  indeterminate: number;
  notSent: number;
  aborted: number;
  /** Writes the client sent twice (the unsafeRetries self-check). */
  resent: number;
  appends: { sent: number; acknowledged: number; listed: number };
  verdict: HistoryVerdict;
  lost: Operation[];
  /** Writes applied twice, lost, phantom or out of order, from the watched events and the queue listing. */
  anomalies: Anomaly[];
  watchers: WatcherSummary[];
  convergence: Convergence;
  crashes: Crash[];
  stale: StaleReads;
  faults: Map<FaultKind, number>;
  events: NemesisEvent[];
  historyFile: string;
  ok: boolean;
  summary: string;
}

const DIR = '/jepsen';
const QUEUE = `${DIR}/queue`;

export async function runJepsen(opts: RunOptions): Promise<RunReport> {
  const log = opts.log ?? (() => {});
  const rnd = new Random(opts.seed);
  const clock = new RunClock();
  const keys = Array.from({ length: opts.keys ?? 4 }, (_, i) => `${DIR}/k${i}`);
  const cluster = await ProxiedCluster.start(opts.members ?? 3);
  const processes = cluster.processes;
  try {
    const endpoints = processes.clientUrls();
    const from = (await storeIndex(endpoints[0]!)) + 1;
    const watchers = ['w1', 'w2'].map((name, k) => new PrefixWatcher(name, endpoints, DIR, new Random(opts.seed * 7919 + k), clock, (i) => processes.isRunning(i)));
    for (const w of watchers) w.start(from);
    const workload = new Workload({ endpoints, clients: opts.clients ?? 10, keys, queueDir: QUEUE, seed: opts.seed, timeoutMs: 3000, clock, quorumReads: opts.quorumReads, endpointChoice: opts.endpointChoice, abortRate: opts.abortRate, unsafeRetries: opts.unsafeRetries });
    const nemesis = new Nemesis(cluster, rnd, clock, () => watchers.map((w) => w.member));
    workload.start();
    await nemesis.run(clock.ms() + opts.timeMs, opts.kinds ?? FAULT_KINDS);
    nemesis.healAll();
    for (const e of nemesis.events) log(`  ${String(e.atMs).padStart(7)} ms  ${e.what}`);
    // Each step after the faults is logged as it ends, so a run that stalls shows where.
    const step = (what: string): void => log(`  ${String(Math.round(clock.ms())).padStart(7)} ms  ${what}`);
    await sleep(1500); // let clients see the healed cluster
    await workload.stop();
    step('workload stopped');
    step(`leader ${processes.members[await processes.waitForLeader(CLUSTER_WAIT_MS)]!.name}`);
    const convergence = await waitForConvergence(endpoints, CLUSTER_WAIT_MS);
    step(convergence.converged ? 'members converged' : 'members did not converge');
    const sentinel = await writeSentinel(endpoints[0]!, `${DIR}/end`, clock, workload.ops.length, CLUSTER_WAIT_MS);
    const endIndex = (sentinel.at(-1)!.output as { index: number }).index;
    step(`last write at index ${endIndex}, after ${sentinel.length} tries`);
    const caughtUp = await Promise.all(watchers.map((w) => w.reach(endIndex, CLUSTER_WAIT_MS).then(() => true, () => false)));
    for (const w of watchers) await w.stop();
    step(`watchers ${caughtUp.every(Boolean) ? 'caught up' : 'did not catch up'}`);
    const finals = await finalReads(endpoints[0]!, keys, clock, workload.ops.length + sentinel.length);
    const queue = await readQueue(endpoints[0]!, QUEUE, CLUSTER_WAIT_MS);
    step('final reads and queue listing done');
    const history = [...workload.ops, ...sentinel, ...finals];
    const watched = watchers.map((w) => w.events.filter((e) => e.index <= endIndex));
    const historyFile = join(tmpdir(), `raftkv-jepsen-${opts.seed}${opts.members === 5 ? '-5' : ''}.json`);
    writeFileSync(historyFile, JSON.stringify({
      seed: opts.seed,
      members: processes.size,
      events: nemesis.events,
      ops: history,
      appends: workload.appends,
      queue,
      watches: watchers.map((w, k) => ({ name: w.name, events: watched[k], resumptions: w.resumptions, gaps: w.gaps })),
      defaultReads: workload.defaultReads,
    }, (_k, v) => (v === Infinity ? 'Infinity' : v)));
    log(`  history: ${historyFile}`);

    const verdict = checkHistory(history);
    step('history checked');
    const lost = lostWrites(workload.ops, finals);
    const stale = staleReads(history, workload.defaultReads);
    const anomalies = [...checkQueue(workload.appends, queue)];
    watchers.forEach((w, k) => {
      if (w.gaps.length > 0) return; // a watcher that missed events proves nothing; the gap fails the run
      anomalies.push(...checkAppliedWrites(history, workload.appends, watched[k]!, QUEUE), ...checkFinalState(watched[k]!, finals, queue, QUEUE));
    });
    anomalies.push(...compareWatchers(watched[0]!, watched[1]!));
    const watcherSummaries = watchers.map((w, k) => watcherSummary(w, caughtUp[k]!));
    const crashes = [...processes.crashes];
    for (let i = 0; i < processes.size; i++) if (!processes.isRunning(i)) crashes.push({ member: processes.members[i]!.name, code: null, signal: 'not running at the end', tail: processes.logs(i).slice(-2000) });
    const ok = verdict.ok && verdict.undecided.length === 0 && lost.length === 0 && anomalies.length === 0 && watcherSummaries.every((w) => w.ok) && convergence.converged && crashes.length === 0;
    const report: Omit<RunReport, 'summary'> = {
      seed: opts.seed,
      members: processes.size,
      ops: workload.ops.length,
      indeterminate: workload.ops.filter((o) => o.output === undefined).length,
      notSent: workload.notSent,
      aborted: workload.aborted,
      resent: workload.resent,
      appends: { sent: workload.appends.length, acknowledged: workload.appends.filter((a) => a.output).length, listed: queue.length },
      verdict, lost, anomalies, watchers: watcherSummaries, convergence, crashes, stale,
      faults: nemesis.counts,
      events: nemesis.events,
      historyFile,
      ok,
    };
    return { ...report, summary: summarize(report, keys.length) };
  } finally {
    await cluster.stop();
  }
}
