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

/** One workload on a freshly started cluster, stopped (and its certificates removed) afterwards. */
async function runOn(workload: Workload, target: TargetKind, options: CliOptions, etcd: string, progress: ProgressLine): Promise<Row[]> {
  progress.done(`${target} ${workload.name}: starting ${options.members} members${workload.tls ? ' over TLS' : ''}`);
  const certs = workload.tls ? makeBenchCerts() : undefined;
  let cluster: ProcessCluster | undefined;
  try {
    cluster = await startTarget(target, options.members, etcd, certs);
    const ctx: WorkloadContext = {
      target,
      cluster,
      certs,
      options,
      timed: { warmupMs: options.warmupSeconds * 1000, durationMs: options.seconds * 1000 },
      load: (caseName, kind, params, timing, onMeasuring) =>
        runLoad(`${target} ${workload.name} ${caseName}`, kind, params, timing, progress, onMeasuring),
    };
    return (await workload.run(ctx)).map((outcome) => toRow(workload.name, target, outcome));
  } finally {
    await cluster?.stop();
    if (certs) removeDir(certs.dir);
  }
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
  // Interleaved per workload, so that both targets see the machine in the same state.
  for (const workload of workloads.filter((w) => options.only.includes(w.name))) {
    for (const target of targets) rows.push(...(await runOn(workload, target, options, etcd ?? '', progress)));
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
