// The cut-over's last look at etcd for `raftkv migrate`: a refresh (refresh=true) moves a TTL node's
// expiration and modifiedIndex but wakes no watcher, so the mirror never heard of it. Both key
// spaces are listed (quorum recursive GETs), and etcd's TTL nodes through the cut-over index that
// raftkv lists otherwise (or not at all: a node past its old expiration may be hidden) are sent in
// a replicated step that gives them etcd's times where raftkv still holds the same node.
import type { CopiedNodeJSON } from '../src/store/copied-node.js';
import { expirationMs } from '../src/store/copied-node.js';
import { readListing } from './migrate-copy.js';
import { batches } from './migrate-land.js';
import type { Cluster } from './migrate-http.js';
import type { Target } from './migrate-target.js';

/** etcd's TTL nodes through `through` whose times raftkv does not list. */
export function refreshed(etcd: readonly CopiedNodeJSON[], raftkv: readonly CopiedNodeJSON[], through: number): CopiedNodeJSON[] {
  const ours = new Map(raftkv.map((n) => [n.key, n]));
  const sameTimes = (a: CopiedNodeJSON, b: CopiedNodeJSON | undefined): boolean =>
    b !== undefined && a.createdIndex === b.createdIndex && a.modifiedIndex === b.modifiedIndex && expirationMs(a.expiration) === expirationMs(b.expiration);
  return etcd.filter((n) => n.expiration !== undefined && n.modifiedIndex <= through && !sameTimes(n, ours.get(n.key)));
}

/** Corrects raftkv's TTL nodes to etcd's at the cut-over index; resolves with how many were sent. */
export async function correctRefreshes(source: Cluster, raftkv: Cluster, target: Target, through: number): Promise<number> {
  const [theirs, ours] = await Promise.all([readListing(source), readListing(raftkv)]);
  const nodes = refreshed(theirs.nodes, ours.nodes, through);
  for (const batch of batches(nodes)) await target.step({ op: 'retimed', index: through, nodes: batch });
  return nodes.length;
}
