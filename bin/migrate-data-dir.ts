// The data-dir copy of `raftkv migrate --from-data-dir <stopped etcd member's data dir>`: etcd's
// whole v2 key space, hidden keys too, read from the member's snapshot and WAL rather than over
// HTTP and landed in raftkv with etcd's indexes (migrate-land.ts). What follows is migrate.ts's:
// with --from, the mirror from the data dir's index; without, the finish at once.
import { readMemberKeySpace } from './etcd-member.js';
import { landKeySpace } from './migrate-land.js';
import type { Target } from './migrate-target.js';

/** Copies a stopped member's key space into raftkv; resolves with the etcd index it was read at. */
export async function landDataDir(dataDir: string, target: Target, force: boolean, onCopied: (keys: number) => void, log: (message: string) => void): Promise<number> {
  const keySpace = readMemberKeySpace(dataDir);
  log(`read ${keySpace.nodes.length} keys at etcd index ${keySpace.index} from ${dataDir} (${keySpace.entries} WAL entries after its snapshot)`);
  await landKeySpace(target, keySpace.index, keySpace.nodes, force, onCopied);
  return keySpace.index;
}
