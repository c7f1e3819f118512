// The copy of `raftkv migrate`: etcd's whole visible key space read at one index (a quorum
// recursive GET) and landed in raftkv in batches, parents first, then raftkv's index set to etcd's.
import type { CopiedNodeJSON } from '../src/store/copied-node.js';
import type { NodeJSON } from '../src/store/types.js';
import type { Cluster } from './migrate-http.js';
import type { Target } from './migrate-target.js';

/** Bytes of JSON per batch: well inside a raft entry; a larger value goes alone. */
const BATCH_BYTES = 1 << 20;

/** Copies etcd's key space into raftkv; resolves with the etcd index it was read at. */
export async function copyKeySpace(source: Cluster, target: Target, force: boolean, onCopied: (keys: number) => void): Promise<number> {
  const answer = await source.request('/v2/keys/?recursive=true&sorted=true&quorum=true');
  if (answer.status !== 200 || answer.etcdIndex === undefined) throw new Error(`etcd answered the recursive GET with ${answer.status}: ${answer.text.slice(0, 300)}`);
  const index = answer.etcdIndex;
  await target.step({ op: 'begin', sourceIndex: index, force });
  let batch: CopiedNodeJSON[] = [];
  let bytes = 0;
  let sent = 0;
  let keys = 0;
  const send = async (): Promise<void> => {
    await target.step({ op: 'nodes', batch: sent++, nodes: batch });
    keys += batch.length;
    onCopied(keys);
    [batch, bytes] = [[], 0];
  };
  for (const node of parentsFirst((JSON.parse(answer.text) as { node: NodeJSON }).node.nodes)) {
    const size = JSON.stringify(node).length;
    if (batch.length > 0 && bytes + size > BATCH_BYTES) await send();
    batch.push(node);
    bytes += size;
  }
  if (batch.length > 0) await send();
  await target.step({ op: 'copied', index });
  return index;
}

/** A listing's nodes without their children, each directory before what it holds. */
function* parentsFirst(nodes: NodeJSON[] | undefined): Generator<CopiedNodeJSON> {
  for (const { nodes: children, ...node } of nodes ?? []) {
    yield node as CopiedNodeJSON; // only the root lacks a key and indexes
    yield* parentsFirst(children);
  }
}
