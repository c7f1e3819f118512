// The harness's command line.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TargetKind } from './cluster-target.js';
import { workloads } from './workloads/index.js';
import type { BenchOptions } from './workloads/workload.js';

export interface CliOptions extends BenchOptions {
  targets: TargetKind[];
  only: string[];
  resultsDir: string;
}

export const USAGE = `usage: npm run bench -- [options]

  --target raftkv|etcd   the cluster to measure (default raftkv)
  --compare              measure raftkv and etcd, interleaved per workload, with ratios
  --only <workloads>     comma-separated, from: ${workloads.map((w) => w.name).join(', ')} (default all)
  --seconds <n>          measured seconds per case (default 5); failover: undisturbed seconds before each fault
  --warmup <n>           unmeasured seconds before each case (default 4: V8 optimises raftkv's hot
                         paths in its first seconds under load; etcd, compiled ahead, gains ~4%)
  --members <n>          cluster size (default 3)
  --value-size <bytes>   size of written values (default 256)
  --concurrency <list>   replaces the concurrency levels of writes and reads, e.g. 1,64
  --big                  memory workload with 1,000,000 keys instead of 100,000
  --failovers <n>        leaders the failover workload takes down per case (default 5)
  --rate <ops/s>         operations a second the cpu workload offers, open-loop (default 1000)
  --pairs <n>            cpu workload: runs per target of each case, alternating targets (default 3)
  --results-dir <dir>    where the JSON and SVG go (default bench/results)
`;

function positive(name: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, not '${value}'`);
  return n;
}

/** undefined for --help. */
export function parseOptions(argv: string[]): CliOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      target: { type: 'string', default: 'raftkv' },
      compare: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      seconds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '4' },
      members: { type: 'string', default: '3' },
      'value-size': { type: 'string', default: '256' },
      concurrency: { type: 'string' },
      big: { type: 'boolean', default: false },
      failovers: { type: 'string', default: '5' },
      rate: { type: 'string', default: '1000' },
      pairs: { type: 'string', default: '3' },
      'results-dir': { type: 'string', default: resolve(import.meta.dirname, '../../bench/results') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  if (values.target !== 'raftkv' && values.target !== 'etcd') throw new Error(`--target must be raftkv or etcd, not '${values.target}'`);
  const known = workloads.map((w) => w.name);
  const only = (values.only ?? []).flatMap((s) => s.split(',')).filter((s) => s !== '');
  for (const name of only) if (!known.includes(name)) throw new Error(`unknown workload '${name}' (known: ${known.join(', ')})`);
  return {
    targets: values.compare ? ['raftkv', 'etcd'] : [values.target],
    only: only.length > 0 ? only : known,
    seconds: positive('seconds', values.seconds),
    warmupSeconds: positive('warmup', values.warmup, true),
    members: Math.round(positive('members', values.members)),
    valueSize: Math.round(positive('value-size', values['value-size'])),
    concurrency: values.concurrency?.split(',').map((c) => Math.round(positive('concurrency', c))),
    big: values.big,
    failovers: Math.round(positive('failovers', values.failovers)),
    rate: positive('rate', values.rate),
    pairs: Math.round(positive('pairs', values.pairs)),
    resultsDir: resolve(values['results-dir']),
  };
}
