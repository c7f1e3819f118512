// One randomised run: a proxied three-member cluster, the workload, the nemesis for `timeMs`,
// then every fault healed and the checks. Returns a report; the caller decides what fails.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import type { Crash } from '../../bench/harness/process-cluster.js';
import { sleep } from '../../bench/harness/wait.js';
import { Random } from '../sim/random.js';
import { RunClock } from './clock.js';
import { finalReads, lostWrites, staleReads, waitForConvergence } from './final-checks.js';
import type { Convergence, StaleReads } from './final-checks.js';
import { checkHistory, formatVerdict } from './history-checker.js';
import type { HistoryVerdict } from './history-checker.js';
import type { Operation } from './history.js';
import { FAULT_KINDS, Nemesis } from './nemesis.js';
import type { FaultKind, NemesisEvent } from './nemesis.js';
import { ProxiedCluster } from './proxied-cluster.js';
import { Workload } from './workload.js';

export interface RunOptions {
  seed: number;
  timeMs: number;
  clients?: number;
  keys?: number;
  kinds?: readonly FaultKind[];
  quorumReads?: boolean;
  log?: (line: string) => void;
}

export interface RunReport {
  seed: number;
  ops: number;
  indeterminate: number;
  notSent: number;
  verdict: HistoryVerdict;
  lost: Operation[];
  convergence: Convergence;
  crashes: Crash[];
  stale: StaleReads;
  faults: Map<FaultKind, number>;
  events: NemesisEvent[];
  ok: boolean;
  summary: string;
}

export async function runJepsen(opts: RunOptions): Promise<RunReport> {
  const log = opts.log ?? (() => {});
  const rnd = new Random(opts.seed);
  const clock = new RunClock();
  const keys = Array.from({ length: opts.keys ?? 4 }, (_, i) => `/jepsen/k${i}`);
  const cluster = await ProxiedCluster.start();
  const processes = cluster.processes;
  try {
    const endpoints = processes.clientUrls();
    const workload = new Workload({ endpoints, clients: opts.clients ?? 10, keys, seed: opts.seed, timeoutMs: 3000, clock, quorumReads: opts.quorumReads });
    const nemesis = new Nemesis(cluster, rnd, clock);
    workload.start();
    await nemesis.run(clock.ms() + opts.timeMs, opts.kinds ?? FAULT_KINDS);
    nemesis.healAll();
    await sleep(1500); // let clients see the healed cluster
    await workload.stop();
    for (const e of nemesis.events) log(`  ${String(e.atMs).padStart(7)} ms  ${e.what}`);
    await processes.waitForLeader(CLUSTER_WAIT_MS);
    const convergence = await waitForConvergence(endpoints, CLUSTER_WAIT_MS);
    const finals = await finalReads(endpoints[0]!, keys, clock, workload.ops.length);
    const history = [...workload.ops, ...finals];
    const historyFile = join(tmpdir(), `raftkv-jepsen-${opts.seed}.json`);
    writeFileSync(historyFile, JSON.stringify({ seed: opts.seed, events: nemesis.events, ops: history, defaultReads: workload.defaultReads }, (_k, v) => (v === Infinity ? 'Infinity' : v)));
    log(`  history: ${historyFile}`);
    const verdict = checkHistory(history);
    const lost = lostWrites(workload.ops, finals);
    const stale = staleReads(history, workload.defaultReads);
    const crashes = [...processes.crashes];
    for (let i = 0; i < processes.size; i++) if (!processes.isRunning(i)) crashes.push({ member: processes.members[i]!.name, code: null, signal: 'not running at the end', tail: processes.logs(i).slice(-2000) });
    const indeterminate = workload.ops.filter((o) => o.output === undefined).length;
    const ok = verdict.ok && verdict.undecided.length === 0 && lost.length === 0 && convergence.converged && crashes.length === 0;
    const summary = [
      `seed ${opts.seed}: ${ok ? 'OK' : 'FAILED'} — ${workload.ops.length} operations (${indeterminate} indeterminate, ${workload.notSent} refused) on ${keys.length} keys`,
      `  faults: ${[...nemesis.counts].map(([k, n]) => `${k}×${n}`).join(', ')}`,
      `  ${formatVerdict(verdict)}`,
      `  lost acknowledged writes: ${lost.length}${lost.length ? ` (${lost.slice(0, 5).map((o) => `#${o.id} ${o.key} @${(o.output as { index: number }).index}`).join(', ')})` : ''}`,
      `  convergence: ${convergence.converged ? `all members at X-Etcd-Index ${convergence.members[0]!.index}, same content, after ${convergence.afterMs} ms` : `NOT converged: ${JSON.stringify(convergence.members)}`}`,
      `  crashes: ${crashes.length ? crashes.map((c) => `${c.member} (${c.code ?? c.signal})\n${c.tail}`).join('\n') : 'none'}`,
      `  default (non-quorum) reads stale: ${stale.stale} of ${stale.reads} (${stale.reads ? ((100 * stale.stale) / stale.reads).toFixed(1) : '0'}%)`,
    ].join('\n');
    return { seed: opts.seed, ops: workload.ops.length, indeterminate, notSent: workload.notSent, verdict, lost, convergence, crashes, stale, faults: nemesis.counts, events: nemesis.events, ok, summary };
  } finally {
    await cluster.stop();
  }
}
