// The readable report of one run: what was done, what each check found.
import { formatVerdict } from './history-checker.js';
import type { RunReport } from './jepsen-run.js';
import type { PrefixWatcher } from './prefix-watcher.js';

export interface WatcherSummary {
  name: string;
  events: number;
  resumptions: number;
  /** Resumptions because the member streamed from had been killed or removed. */
  afterMemberGone: number;
  gaps: number;
  unreadable: number;
  caughtUp: boolean;
  ok: boolean;
  text: string;
}

export function watcherSummary(w: PrefixWatcher, caughtUp: boolean): WatcherSummary {
  const afterMemberGone = w.resumptions.filter((r) => r.memberGone).length;
  const ok = caughtUp && w.gaps.length === 0 && w.unreadable.length === 0;
  const problems = [
    ...(caughtUp ? [] : ['did NOT see the end-of-run write']),
    ...w.gaps.map((g) => `MISSED events ${g.from}..${g.to} (every member answered 401) at ${g.atMs} ms`),
    ...w.unreadable.slice(0, 3).map((line) => `unreadable line ${line}`),
  ];
  const text = `${w.name}: ${w.events.length} events, resumed ${w.resumptions.length} times (${afterMemberGone} after its member was killed or removed)${problems.length ? `; ${problems.join('; ')}` : ''}`;
  return { name: w.name, events: w.events.length, resumptions: w.resumptions.length, afterMemberGone, gaps: w.gaps.length, unreadable: w.unreadable.length, caughtUp, ok, text };
}

export function summarize(r: Omit<RunReport, 'summary'>, keys: number): string {
  const shown = r.anomalies.slice(0, 10).map((a) => `\n    ${a.kind}: ${a.detail}`).join('');
  return [
    `seed ${r.seed}, ${r.members} members: ${r.ok ? 'OK' : 'FAILED'} — ${r.ops} operations (${r.indeterminate} indeterminate, ${r.notSent} refused) on ${keys} keys; ${r.aborted} writes abandoned by their client once sent${r.resent ? `; ${r.resent} writes with unknown outcome sent AGAIN (unsafe retries: a self-check)` : ''}`,
    `  faults: ${[...r.faults].map(([k, n]) => `${k}×${n}`).join(', ')}`,
    `  ${formatVerdict(r.verdict)}`,
    `  lost acknowledged writes: ${r.lost.length}${r.lost.length ? ` (${r.lost.slice(0, 5).map((o) => `#${o.id} ${o.key} @${(o.output as { index: number }).index}`).join(', ')})` : ''}`,
    `  appends: ${r.appends.sent} sent, ${r.appends.acknowledged} acknowledged, ${r.appends.listed} in the queue`,
    `  every write applied at most once, where it was told, none lost or invented (watched events, queue listing): ${r.anomalies.length === 0 ? 'yes' : `NO, ${r.anomalies.length} anomalies${shown}`}`,
    `  watchers: ${r.watchers.map((w) => w.text).join('; ')}`,
    `  convergence: ${r.convergence.converged ? `all members at X-Etcd-Index ${r.convergence.members[0]!.index}, same content, after ${r.convergence.afterMs} ms` : `NOT converged: ${JSON.stringify(r.convergence.members)}`}`,
    `  crashes: ${r.crashes.length ? r.crashes.map((c) => `${c.member} (${c.code ?? c.signal})\n${c.tail}`).join('\n') : 'none'}`,
    `  default (non-quorum) reads stale: ${r.stale.stale} of ${r.stale.reads} (${r.stale.reads ? ((100 * r.stale.stale) / r.stale.reads).toFixed(1) : '0'}%)`,
    `  history: ${r.historyFile}`,
  ].join('\n');
}
