// The landing of `raftkv migrate`'s copy, whatever it was read from (etcd's recursive GET, or a
// stopped member's data directory): the nodes go to raftkv in batches, parents first, and then
// raftkv's index becomes the one they were read at.
import type { CopiedNodeJSON } from '../src/store/copied-node.js';
import type { Target } from './migrate-target.js';

/** Bytes of JSON per batch: well inside a raft entry; a larger value goes alone. */
const BATCH_BYTES = 1 << 20;

/** Lands `nodes` (parents first) read at etcd's `index` in raftkv; calls onCopied with the running count. */
export async function landKeySpace(target: Target, index: number, nodes: Iterable<CopiedNodeJSON>, force: boolean, onCopied: (keys: number) => void): Promise<void> {
  await target.step({ op: 'begin', sourceIndex: index, force });
  let sent = 0;
  let keys = 0;
  for (const batch of batches(nodes)) {
    await target.step({ op: 'nodes', batch: sent++, nodes: batch });
    keys += batch.length;
    onCopied(keys);
  }
  await target.step({ op: 'copied', index });
}

/** Nodes in slices of about BATCH_BYTES of JSON, in order (a larger node alone). */
export function* batches(nodes: Iterable<CopiedNodeJSON>): Generator<CopiedNodeJSON[]> {
  let batch: CopiedNodeJSON[] = [];
  let bytes = 0;
  for (const node of nodes) {
    const size = JSON.stringify(node).length;
    if (batch.length > 0 && bytes + size > BATCH_BYTES) {
      yield batch;
      [batch, bytes] = [[], 0];
    }
    batch.push(node);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
