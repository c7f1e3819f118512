// A node as another etcd showed it (a recursive GET or a watch event), put into the tree with
// that etcd's indexes and expiration rather than new ones: how `raftkv migrate` carries an etcd
// key space over so that prevIndex compares and waitIndex watches keep their meaning.
import type { KeyTree } from './key-tree.js';
import { TreeNode } from './tree-node.js';
import { ErrorCode, EtcdError } from './types.js';
import type { Action, NodeJSON } from './types.js';

/** A node of etcd's JSON that names itself fully: the root, which has no key, cannot be copied. */
export type CopiedNodeJSON = NodeJSON & { key: string; modifiedIndex: number; createdIndex: number };

/** A watch event of the source, as its JSON reads (its etcdIndex is its node's modifiedIndex). */
export interface CopiedEvent {
  action: Exclude<Action, 'get'>;
  node: CopiedNodeJSON;
  prevNode?: NodeJSON;
}

/** Go's RFC 3339 (any offset, up to nanoseconds) → ms since the epoch; 0 when absent (permanent). */
export function expirationMs(expiration: string | undefined): number {
  if (expiration === undefined) return 0;
  const ms = Date.parse(expiration);
  if (!RFC3339.test(expiration) || Number.isNaN(ms)) throw new EtcdError(ErrorCode.InvalidField, `expiration is not an RFC 3339 time: ${expiration}`);
  return ms;
}
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/**
 * Puts the node at its key, replacing what is there, except that a directory already there
 * keeps its children (and, for an `update` of it, its modifiedIndex: etcd's update writes no
 * index into a directory, though its event shows one). Missing parents are made as etcd makes
 * them for a write: permanent, born at the write's index.
 */
export function placeNode(tree: KeyTree, n: CopiedNodeJSON, keepDirIndex: boolean): void {
  const slash = n.key.lastIndexOf('/');
  const parent = tree.ensureDirectory(n.key.slice(0, slash) || '/', n.modifiedIndex, n.modifiedIndex);
  const name = n.key.slice(slash + 1);
  const existing = parent.children!.get(name);
  const expireTime = expirationMs(n.expiration);
  if (existing?.isDir && n.dir) {
    if (!keepDirIndex) existing.modifiedIndex = n.modifiedIndex;
    tree.setExpireTime(existing, expireTime);
    return;
  }
  if (existing !== undefined) tree.removeSubtree(existing, n.key, undefined);
  const children = n.dir ? new Map<string, TreeNode>() : undefined;
  tree.attach(new TreeNode(name, parent, n.createdIndex, n.modifiedIndex, expireTime, n.dir ? '' : (n.value ?? ''), children));
}

/** A refresh the source made to the node (its same incarnation) and no watch showed: its expiration and modifiedIndex. */
export function retimeNode(tree: KeyTree, n: CopiedNodeJSON): void {
  const found = tree.find(n.key);
  if (!(found instanceof TreeNode) || found.createdIndex !== n.createdIndex) return;
  found.modifiedIndex = n.modifiedIndex;
  tree.setExpireTime(found, expirationMs(n.expiration));
}

/** etcd's view of a node in the field order raftkv writes (etcd's own), nothing else kept. */
export function canonicalNode(n: NodeJSON): NodeJSON {
  const out: NodeJSON = { key: n.key };
  if (n.dir) out.dir = true;
  if (n.value !== undefined) out.value = n.value;
  if (n.expiration !== undefined) out.expiration = n.expiration;
  if (n.ttl !== undefined) out.ttl = n.ttl;
  out.modifiedIndex = n.modifiedIndex;
  out.createdIndex = n.createdIndex;
  return Object.freeze(out);
}
