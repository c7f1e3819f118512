// `raftkv migrate --from-data-dir <stopped etcd member's data dir> --to <raftkv client URLs>`:
// etcd's whole v2 key space, hidden keys too, read from the member's snapshot and WAL rather
// than over HTTP, landed in raftkv with etcd's indexes, and the migration finished at etcd's
// index: raftkv takes writes at once. No mirroring follows.
import { randomUUID } from 'node:crypto';
import { readMemberKeySpace } from './etcd-member.js';
import { Cluster } from './migrate-http.js';
import { landKeySpace } from './migrate-land.js';
import { Target } from './migrate-target.js';

const USAGE = `usage: raftkv migrate --from-data-dir <stopped etcd member's data dir> --to <raftkv client URL,...>
  [--force]                replace keys the raftkv cluster already holds
`;

interface DataDirArgs {
  dataDir: string;
  to: string[];
  force: boolean;
}

function parse(argv: string[]): DataDirArgs | string {
  const values = new Map<string, string>();
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === 'force') force = true;
    else if (['from-data-dir', 'to'].includes(flag) && (inline ?? argv[i + 1]) !== undefined) values.set(flag, inline ?? argv[++i]!);
    else return `unknown or incomplete flag ${argv[i]} (with --from-data-dir: --to and --force only)`;
  }
  const dataDir = values.get('from-data-dir');
  const to = (values.get('to') ?? '').split(',').filter(Boolean).map((u) => u.replace(/\/+$/, ''));
  if (!dataDir || to.length === 0) return '--from-data-dir and --to are required';
  return { dataDir, to, force };
}

/** Whether argv asks for this form of the migration. */
export const wantsDataDir = (argv: string[]): boolean => argv.some((a) => /^--?from-data-dir(=|$)/.test(a));

const log = (message: string): void => void process.stderr.write(`raftkv migrate: ${message}\n`);

/** Runs the migration; resolves with the process's exit code. */
export async function runFromDataDir(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') {
    process.stderr.write(`raftkv migrate: ${args}\n${USAGE}`);
    return 2;
  }
  try {
    const keySpace = readMemberKeySpace(args.dataDir);
    log(`read ${keySpace.nodes.length} keys at etcd index ${keySpace.index} from ${args.dataDir} (${keySpace.entries} WAL entries after its snapshot)`);
    const target = new Target(new Cluster('raftkv', args.to), randomUUID());
    await landKeySpace(target, keySpace.index, keySpace.nodes, args.force, () => {});
    const index = await target.step({ op: 'finish', index: keySpace.index });
    log(`copied ${keySpace.nodes.length} keys; raftkv at index ${index} takes writes now`);
    return 0;
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 1;
  }
}
