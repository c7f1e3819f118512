// TLS handshake chaos: writes at concurrency 16 spread over every member of a cluster whose client
// and peer ports are TLS with client certificate authentication, in quiet runs alternated with
// runs during which a separate chaos process (bench/chaos/) keeps opening hostile connections to
// every member's client and peer ports. No member may crash; the chaos row gives the writers'
// latency under chaos over their quiet latency (medians of the runs).
import type { BenchCerts } from '../bench-certs.js';
import { startChaos } from '../chaos/driver.js';
import type { ChaosTally } from '../chaos/protocol.js';
import type { ProcessCluster } from '../harness/process-cluster.js';
import { sleep } from '../harness/wait.js';
import type { LoadResult, Notes } from '../load-protocol.js';
import { figuresOf, type Figures } from '../run-figures.js';
import type { Workload, WorkloadContext } from './workload.js';

const CONCURRENCY = 16;
/** quiet, chaos, quiet, chaos, …: each kind's figures are the median of its runs. */
const PAIRS = 3;
/** 120 new hostile connections a second over all ports, at most 240 open at once (the oldest closed to make room). */
const CHAOS_RATE = { perSecond: 120, maxOpen: 240 };
// The chaos runs this long before the writes start, so that the connections it holds have piled up.
const RAMP_MS = 2000;
/** The requirement: the other clients' p50 and p99 under chaos within this factor of quiet runs'. */
const ALLOWED_SLOWDOWN = 2;

/** Fails the workload, loudly, if a member has exited since the cluster started. */
function assertNoCrash(cluster: ProcessCluster, during: string): void {
  const crash = cluster.crashes[0];
  if (crash) throw new Error(`${crash.member} CRASHED during ${during} (exit ${crash.signal ?? crash.code}); its last output:\n${crash.tail}`);
}

const p99PerRun = (runs: LoadResult[]): string => runs.map((r) => figuresOf([r]).latency.p99Ms.toFixed(1)).join('/');

function chaosNotes(quiet: Figures, chaos: Figures, chaosRuns: LoadResult[], tallies: ChaosTally[]): Notes {
  const p50Ratio = chaos.latency.p50Ms / quiet.latency.p50Ms;
  const p99Ratio = chaos.latency.p99Ms / quiet.latency.p99Ms;
  const sum = (pick: (t: ChaosTally) => number): number => tallies.reduce((a, t) => a + pick(t), 0);
  return {
    'p50 ×quiet': p50Ratio,
    'p99 ×quiet': p99Ratio,
    'ops/s ×quiet': chaos.opsPerSec / quiet.opsPerSec,
    [`within ${ALLOWED_SLOWDOWN}×`]: Math.max(p50Ratio, p99Ratio) <= ALLOWED_SLOWDOWN ? 'yes' : 'NO',
    'p99 ms per run': p99PerRun(chaosRuns),
    'hostile conns/s': sum((t) => t.opened) / sum((t) => t.seconds),
    'peak open': Math.max(...tallies.map((t) => t.peakOpen)),
    'closed by member %': (100 * sum((t) => t.closedByMember)) / sum((t) => t.opened),
    crashed: 'none',
  };
}

function writes(ctx: WorkloadContext, certs: BenchCerts, run: string): Promise<LoadResult> {
  const params = { endpoints: ctx.cluster.clientUrls(), concurrency: CONCURRENCY, valueSize: ctx.options.valueSize, prefix: `/bench/tls-chaos/${run.replace(' ', '-')}`, tls: certs.client };
  return ctx.load(run, 'put', params, ctx.timed);
}

export const tlsChaos: Workload = {
  name: 'tls-chaos',
  tls: true,
  async run(ctx) {
    const certs = ctx.certs;
    if (!certs) throw new Error('tls-chaos runs on a TLS cluster only');
    const targets = [...ctx.cluster.clientUrls(), ...ctx.cluster.members.map((m) => m.listenPeerUrl)];
    const quietRuns: LoadResult[] = [];
    const chaosRuns: LoadResult[] = [];
    const tallies: ChaosTally[] = [];
    for (let pair = 1; pair <= PAIRS; pair++) {
      quietRuns.push(await writes(ctx, certs, `quiet ${pair}`));
      assertNoCrash(ctx.cluster, `quiet run ${pair}`);
      const chaos = await startChaos({ targets, ...CHAOS_RATE, stranger: certs.stranger });
      try {
        await sleep(RAMP_MS);
        chaosRuns.push(await writes(ctx, certs, `chaos ${pair}`));
      } finally {
        tallies.push(await chaos.stop());
      }
      assertNoCrash(ctx.cluster, `chaos run ${pair}`);
    }
    const notes = chaosNotes(figuresOf(quietRuns), figuresOf(chaosRuns), chaosRuns, tallies);
    if (notes[`within ${ALLOWED_SLOWDOWN}×`] !== 'yes') {
      process.stderr.write(`\n${ctx.target} TLS CHAOS: writers' latency beyond ${ALLOWED_SLOWDOWN}× quiet (p50 ×${Number(notes['p50 ×quiet']).toFixed(2)}, p99 ×${Number(notes['p99 ×quiet']).toFixed(2)})\n`);
    }
    const label = `c=${CONCURRENCY} spread, median of ${PAIRS}`;
    return [
      { case: `quiet ${label}`, runs: quietRuns, notes: { 'p99 ms per run': p99PerRun(quietRuns) } },
      { case: `chaos ${label}`, runs: chaosRuns, notes },
    ];
  },
};
