// `npm run bench`: starts raftkv and/or etcd clusters, runs the workloads against them from a
// separate load process, prints a markdown table and records JSON and SVG under bench/results/.
import { makeBenchCerts } from './bench-certs.js';
import { installCleanupHandlers, removeDir } from './harness/child-registry.js';
import type { ProcessCluster } from './harness/process-cluster.js';
import { startTarget, type TargetKind } from './cluster-target.js';
import { runLoad } from './load-driver.js';
import { describeMachine, findEtcd } from './machine.js';
import { parseOptions, USAGE, type CliOptions } from './options.js';
import { ProgressLine } from './progress-line.js';
import { markdownTable } from './report-markdown.js';
import { writeResults } from './results-file.js';
import { toRow, type Row } from './rows.js';
import { workloads } from './workloads/index.js';
import type { Workload, WorkloadContext } from './workloads/workload.js';

/** The targets that can run: etcd only if installed. */
function availableTargets(wanted: TargetKind[], etcd: string | undefined): TargetKind[] {
  if (etcd !== undefined || !wanted.includes('etcd')) return wanted;
  process.stderr.write('etcd is not installed (on Debian/Ubuntu: apt-get install etcd-server); running raftkv alone\n');
  return ['raftkv'];
}

/**
 * Freshly started clusters of `targets` for `workload` (over TLS if it asks), handed to `use`
 * and stopped (their certificates removed) afterwards.
 */
async function withClusters<T>(workload: Workload, targets: TargetKind[], options: CliOptions, etcd: string, progress: ProgressLine,
  use: (ctxs: WorkloadContext[]) => Promise<T>): Promise<T> {
  const certs = workload.tls ? makeBenchCerts() : undefined;
  const clusters: ProcessCluster[] = [];
  try {
    for (const target of targets) {
      progress.done(`${target} ${workload.name}: starting ${options.members} members${workload.tls ? ' over TLS' : ''}`);
      clusters.push(await startTarget(target, options.members, etcd, certs));
    }
    return await use(clusters.map((cluster, i): WorkloadContext => ({
      target: targets[i]!,
      cluster,
      certs,
      options,
      timed: { warmupMs: options.warmupSeconds * 1000, durationMs: options.seconds * 1000 },
      load: (caseName, kind, params, timing, onMeasuring) =>
        runLoad(`${targets[i]} ${workload.name} ${caseName}`, kind, params, timing, progress, onMeasuring),
    })));
  } finally {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
    if (certs) removeDir(certs.dir);
  }
}

/** One workload's rows: target by target on a fresh cluster each, or alternating between all of them. */
async function rowsOf(workload: Workload, targets: TargetKind[], options: CliOptions, etcd: string, progress: ProgressLine): Promise<Row[]> {
  if ('alternate' in workload) {
    const outcomes = await withClusters(workload, targets, options, etcd, progress, (ctxs) => workload.alternate(ctxs));
    return targets.flatMap((target, i) => outcomes[i]!.map((outcome) => toRow(workload.name, target, outcome)));
  }
  const rows: Row[] = [];
  for (const target of targets) {
    const outcomes = await withClusters(workload, [target], options, etcd, progress, ([ctx]) => workload.run(ctx!));
    rows.push(...outcomes.map((outcome) => toRow(workload.name, target, outcome)));
  }
  return rows;
}

async function main(options: CliOptions): Promise<void> {
  installCleanupHandlers();
  const etcd = findEtcd();
  const targets = availableTargets(options.targets, etcd);
  const machine = describeMachine(etcd);
  const date = new Date().toISOString();
  const progress = new ProgressLine();
  const rows: Row[] = [];
  const started = Date.now();
  // Interleaved per workload (or finer), so that both targets see the machine in the same state.
  for (const workload of workloads.filter((w) => options.only.includes(w.name))) {
    rows.push(...(await rowsOf(workload, targets, options, etcd ?? '', progress)));
  }
  process.stdout.write(`${markdownTable(rows, targets)}\n`);
  const written = writeResults(options.resultsDir, { date, machine, targets, options, rows });
  process.stderr.write(`finished in ${Math.round((Date.now() - started) / 1000)} s; wrote ${written.join(', ')}\n`);
}

let options: CliOptions | undefined;
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === undefined) {
  process.stdout.write(USAGE);
} else {
  await main(options).catch((err: unknown) => {
    process.stderr.write(`\nbench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
