// `raftkv migrate --from <etcd client URLs> --to <raftkv client URLs>`: copies an etcd v2 key
// space into a new raftkv cluster with etcd's indexes and expirations, then mirrors etcd's later
// changes until the cut-over (SIGINT/SIGTERM, or --until-index), so clients move member by member.
// The copy is etcd's recursive GET, or with --from-data-dir a stopped member's files (hidden keys
// too): either yields the etcd index the mirror starts after; without --from nothing is mirrored.
import { randomUUID } from 'node:crypto';
import { parseMigrateArgs, USAGE } from './migrate-args.js';
import { copyKeySpace } from './migrate-copy.js';
import { Cluster } from './migrate-http.js';
import { Mirror } from './migrate-mirror.js';
import { correctRefreshes } from './migrate-refreshes.js';
import { landDataDir } from './migrate-data-dir.js';
import { Target } from './migrate-target.js';

const log = (message: string): void => void process.stderr.write(`raftkv migrate: ${message}\n`);

/** Runs the migration; resolves with the process's exit code. */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseMigrateArgs(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`raftkv migrate: ${parsed}\n${USAGE}`);
    return 2;
  }
  const args = parsed;
  let source: Cluster | undefined; // etcd's running members, mirrored (absent: --from-data-dir alone)
  let target: Cluster;
  // The copy step: etcd's recursive GET, or the stopped member's data dir; each resolves with its etcd index.
  let copy: (steps: Target, force: boolean, onCopied: (keys: number) => void) => Promise<number>;
  try {
    if (args.fromDataDir === undefined) {
      const etcd = new Cluster(args.from);
      [source, copy] = [etcd, (steps, force, onCopied) => copyKeySpace(etcd, steps, force, onCopied)];
    } else {
      const dataDir = args.fromDataDir;
      [source, copy] = [args.from && new Cluster(args.from), (steps, force, onCopied) => landDataDir(dataDir, steps, force, onCopied, log)];
    }
    target = new Cluster(args.to);
  } catch (err) {
    log((err as Error).message); // a TLS file that cannot be read
    return 2;
  }
  const cutOver = new AbortController();
  const onSignal = (signal: string): void => {
    if (cutOver.signal.aborted) process.exit(130); // a second signal: stop at once, still mirroring
    log(`${signal}: cutting over (send it again to stop without cutting over)`);
    cutOver.abort();
  };
  if (source !== undefined) process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  let copied = 0;
  let mirror: Mirror | undefined;
  const progress = setInterval(() => void report(), args.progressMs);
  async function report(): Promise<void> {
    const etcdIndex = (await source?.request('/v2/keys/').catch(() => undefined))?.etcdIndex;
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
      const index = await copy(steps, force, (keys) => (copied = keys));
      if (source === undefined) {
        const finished = await steps.step({ op: 'finish', index });
        log(`copied ${copied} keys at etcd index ${index}; nothing to mirror (no --from): raftkv at index ${finished} takes writes now`);
        return 0;
      }
      log(`copied ${copied} keys at etcd index ${index}; mirroring (raftkv refuses client writes until the cut-over)`);
      if (args.untilIndex !== undefined && index >= args.untilIndex) cutOver.abort();
      const from = source;
      const beforeFinish = async (through: number): Promise<void> => {
        const retimed = await correctRefreshes(from, target, steps, through);
        if (retimed > 0) log(`gave ${retimed} TTL keys etcd's expiration and index (refresh=true writes, which etcd's watch does not show)`);
      };
      mirror = new Mirror({ source, target: steps, from: index, until: args.untilIndex, cutOver: cutOver.signal, beforeFinish, log });
      if ((await mirror.run()) === 'cut-over') break;
      if (args.fromDataDir !== undefined) {
        const after = mirror.events === 0 ? `the data directory's index ${index}` : `index ${mirror.targetIndex} (the mirror fell more than 1000 events behind)`;
        log(`etcd's history no longer holds the events after ${after}: stopping, raftkv is left mirroring without its cut-over. ` +
          'Copying this data directory again cannot help; migrate again with --force, over HTTP (--from alone: no hidden keys) or from the data dir of a member stopped just now');
        return 1;
      }
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
    source?.close();
    target.close();
  }
}
