// `raftkv migrate --from-data-dir <stopped etcd member's data dir> --to <raftkv client URLs>`:
// etcd's whole v2 key space, hidden keys too, read from the member's snapshot and WAL rather
// than over HTTP, landed in raftkv with etcd's indexes, and the migration finished at etcd's
// index: raftkv takes writes at once. No mirroring follows.
import { randomUUID } from 'node:crypto';
import { readMemberKeySpace } from './etcd-member.js';
import { Cluster } from './migrate-http.js';
import type { DataDirArgs } from './migrate-args.js';
import { landKeySpace } from './migrate-land.js';
import { Target } from './migrate-target.js';

const log = (message: string): void => void process.stderr.write(`raftkv migrate: ${message}\n`);

/** Runs the migration; resolves with the process's exit code. */
export async function runFromDataDir(args: DataDirArgs): Promise<number> {
  try {
    const keySpace = readMemberKeySpace(args.fromDataDir);
    log(`read ${keySpace.nodes.length} keys at etcd index ${keySpace.index} from ${args.fromDataDir} (${keySpace.entries} WAL entries after its snapshot)`);
    const target = new Target(new Cluster(args.to), randomUUID());
    await landKeySpace(target, keySpace.index, keySpace.nodes, args.force, () => {});
    const index = await target.step({ op: 'finish', index: keySpace.index });
    log(`copied ${keySpace.nodes.length} keys; raftkv at index ${index} takes writes now`);
    return 0;
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 1;
  }
}
