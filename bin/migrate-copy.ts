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
  const { index, nodes: all } = await readListing(source);
  await target.step({ op: 'begin', sourceIndex: index, force });
  let sent = 0;
  let keys = 0;
  for (const nodes of batches(all)) {
    await target.step({ op: 'nodes', batch: sent++, nodes });
    keys += nodes.length;
    onCopied(keys);
  }
  await target.step({ op: 'copied', index });
  return index;
}

/** A cluster's whole visible key space at one index (a quorum recursive GET), parents first. */
export async function readListing(cluster: Cluster): Promise<{ index: number; nodes: CopiedNodeJSON[] }> {
  const answer = await cluster.request('/v2/keys/?recursive=true&sorted=true&quorum=true');
  if (answer.status !== 200 || answer.etcdIndex === undefined) throw new Error(`${cluster.name} answered the recursive GET with ${answer.status}: ${answer.text.slice(0, 300)}`);
  return { index: answer.etcdIndex, nodes: [...parentsFirst((JSON.parse(answer.text) as { node: NodeJSON }).node.nodes)] };
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

/** A listing's nodes without their children, each directory before what it holds. */
function* parentsFirst(nodes: NodeJSON[] | undefined): Generator<CopiedNodeJSON> {
  for (const { nodes: children, ...node } of nodes ?? []) {
    yield node as CopiedNodeJSON; // only the root lacks a key and indexes
    yield* parentsFirst(children);
  }
}
