// The copy of `raftkv migrate`: etcd's whole visible key space read at one index (a quorum
// recursive GET) and landed in raftkv (migrate-land.ts).
import type { CopiedNodeJSON } from '../src/store/copied-node.js';
import type { NodeJSON } from '../src/store/types.js';
import type { Cluster } from './migrate-http.js';
import { landKeySpace } from './migrate-land.js';
import type { Target } from './migrate-target.js';

/** Copies etcd's key space into raftkv; resolves with the etcd index it was read at. */
export async function copyKeySpace(source: Cluster, target: Target, force: boolean, onCopied: (keys: number) => void): Promise<number> {
  const { index, nodes } = await readListing(source);
  await landKeySpace(target, index, nodes, force, onCopied);
  return index;
}

/** A cluster's whole visible key space at one index (a quorum recursive GET), parents first. */
export async function readListing(cluster: Cluster): Promise<{ index: number; nodes: CopiedNodeJSON[] }> {
  const answer = await cluster.request('/v2/keys/?recursive=true&sorted=true&quorum=true');
  if (answer.status !== 200 || answer.etcdIndex === undefined) throw new Error(`${cluster.name} answered the recursive GET with ${answer.status}: ${answer.text.slice(0, 300)}`);
  return { index: answer.etcdIndex, nodes: [...parentsFirst((JSON.parse(answer.text) as { node: NodeJSON }).node.nodes)] };
}

/** A listing's nodes without their children, each directory before what it holds. */
function* parentsFirst(nodes: NodeJSON[] | undefined): Generator<CopiedNodeJSON> {
  for (const { nodes: children, ...node } of nodes ?? []) {
    yield node as CopiedNodeJSON; // only the root lacks a key and indexes
    yield* parentsFirst(children);
  }
}
