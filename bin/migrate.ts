// `raftkv migrate --from <etcd client URLs> --to <raftkv client URLs>`: copies an etcd v2 key
// space into a new raftkv cluster with etcd's indexes and expirations, then mirrors etcd's later
// changes until the cut-over (SIGINT/SIGTERM, or --until-index), so clients move member by member.
import { randomUUID } from 'node:crypto';
import { copyKeySpace } from './migrate-copy.js';
import { Cluster } from './migrate-http.js';
import { Mirror } from './migrate-mirror.js';
import { runFromDataDir, wantsDataDir } from './migrate-data-dir.js';
import { Target } from './migrate-target.js';

const USAGE = `usage: raftkv migrate --from <etcd client URL,...> --to <raftkv client URL,...>
  [--until-index N]        cut over once etcd's index reaches N (default: at SIGINT or SIGTERM)
  [--force]                replace keys the raftkv cluster already holds
  [--progress-interval S]  seconds between progress lines on stderr (default 5)
`;

interface MigrateArgs {
  from: string[];
  to: string[];
  untilIndex?: number;
  force: boolean;
  progressMs: number;
}

function parse(argv: string[]): MigrateArgs | string {
  const values = new Map<string, string>();
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === 'force') force = true;
    else if (['from', 'to', 'until-index', 'progress-interval'].includes(flag) && (inline ?? argv[i + 1]) !== undefined) values.set(flag, inline ?? argv[++i]!);
    else return `unknown or incomplete flag ${argv[i]}`;
  }
  const urls = (name: string): string[] => (values.get(name) ?? '').split(',').filter(Boolean).map((u) => u.replace(/\/+$/, ''));
  const [from, to] = [urls('from'), urls('to')];
  if (from.length === 0 || to.length === 0) return '--from and --to are required';
  const until = values.get('until-index');
  const untilIndex = until === undefined ? undefined : Number(until);
  if (untilIndex !== undefined && !Number.isSafeInteger(untilIndex)) return `--until-index ${until} is not an index`;
  const progressMs = Number(values.get('progress-interval') ?? '5') * 1000;
  if (!(progressMs > 0)) return '--progress-interval must be a positive number of seconds';
  return { from, to, untilIndex, force, progressMs };
}

const log = (message: string): void => void process.stderr.write(`raftkv migrate: ${message}\n`);

/** Runs the migration; resolves with the process's exit code. */
export async function run(argv: string[]): Promise<number> {
  if (wantsDataDir(argv)) return runFromDataDir(argv);
  const parsed = parse(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`raftkv migrate: ${parsed}\n${USAGE}`);
    return 2;
  }
  const args = parsed;
  const source = new Cluster('etcd', args.from);
  const target = new Cluster('raftkv', args.to);
  const cutOver = new AbortController();
  const onSignal = (signal: string): void => {
    if (cutOver.signal.aborted) process.exit(130); // a second signal: stop at once, still mirroring
    log(`${signal}: cutting over (send it again to stop without cutting over)`);
    cutOver.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  let copied = 0;
  let mirror: Mirror | undefined;
  const progress = setInterval(() => void report(), args.progressMs);
  async function report(): Promise<void> {
    const etcdIndex = (await source.request('/v2/keys/').catch(() => undefined))?.etcdIndex;
    if (mirror === undefined) return log(`copied ${copied} keys`);
    const lag = etcdIndex === undefined ? 'unknown' : etcdIndex - mirror.targetIndex;
    log(`mirrored ${mirror.events} events; raftkv at index ${mirror.targetIndex}, etcd at ${etcdIndex ?? '?'} (lag ${lag})`);
    if (args.untilIndex !== undefined && etcdIndex !== undefined && etcdIndex >= args.untilIndex && !cutOver.signal.aborted) {
      log(`etcd reached index ${args.untilIndex}: cutting over`);
      cutOver.abort();
    }
  }
  try {
    for (let force = args.force; ; force = false) {
      const steps = new Target(target, randomUUID());
      const index = await copyKeySpace(source, steps, force, (keys) => (copied = keys));
      log(`copied ${copied} keys at etcd index ${index}; mirroring (raftkv refuses client writes until the cut-over)`);
      if (args.untilIndex !== undefined && index >= args.untilIndex) cutOver.abort();
      mirror = new Mirror({ source, target: steps, from: index, cutOver: cutOver.signal, log });
      if ((await mirror.run()) === 'cut-over') break;
      log(`etcd's history no longer holds the events after index ${mirror.targetIndex} (the mirror fell more than 1000 events behind): copying again`);
      [copied, mirror] = [0, undefined];
    }
    log(`cut over at index ${mirror.targetIndex} after ${mirror.events} mirrored events: raftkv takes writes now`);
    return 0;
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    clearInterval(progress);
  }
}
