// How a node looks on the wire (etcd's NodeExtern): field order, absent optional fields, the
// ttl etcd computes and the expiration as Go's RFC3339Nano prints it.
import { childPath, compareKeys, isHiddenName } from './path.js';
import type { TreeNode } from './tree-node.js';
import type { NodeJSON } from './types.js';

/** Go's time.RFC3339Nano in UTC: the fraction loses its trailing zeros, and its dot when nothing is left. */
export function formatExpiration(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** etcd's ceiling((expire - now) / 1s) as Go computes it: truncation toward zero, plus one for a positive remainder. */
export function ttlSeconds(expireTime: number, now: number): number {
  const left = expireTime - now;
  return left > 0 ? Math.ceil(left / 1000) : Math.trunc(left / 1000);
}

export interface NodeFields {
  key: string;
  dir: boolean;
  /** A file's value; undefined to leave it out (directories, delete/expire events). */
  value: string | undefined;
  /** 0: permanent (or not shown). */
  expireTime: number;
  nodes?: NodeJSON[];
  modifiedIndex: number;
  createdIndex: number;
}

/** Builds the JSON object in etcd's field order, leaving out what Go's omitempty would. */
export function nodeJSON(f: NodeFields, now: number): NodeJSON {
  const out: NodeJSON = { key: f.key };
  if (f.dir) out.dir = true;
  if (f.value !== undefined) out.value = f.value;
  if (f.expireTime !== 0) {
    out.expiration = formatExpiration(f.expireTime);
    const ttl = ttlSeconds(f.expireTime, now);
    if (ttl !== 0) out.ttl = ttl;
  }
  if (f.nodes !== undefined && f.nodes.length > 0) out.nodes = f.nodes;
  out.modifiedIndex = f.modifiedIndex;
  out.createdIndex = f.createdIndex;
  return out;
}

/** A node by itself, as in prevNode (etcd's Repr without recursion). */
export function describeNode(node: TreeNode, key: string, now: number): NodeJSON {
  return view(node, key, now, undefined);
}

/**
 * A node as a GET shows it: a directory lists its visible children, and their subtrees too when
 * recursive. The root has no key and no indexes, as etcd shows it.
 */
export function describeForGet(node: TreeNode, key: string, now: number, recursive: boolean, sorted: boolean): NodeJSON {
  const nodes = node.isDir ? listChildren(node, key, now, recursive, sorted) : undefined;
  if (node.parent !== undefined) return view(node, key, now, nodes);
  return nodes!.length > 0 ? { dir: true, nodes } : { dir: true };
}

function view(node: TreeNode, key: string, now: number, nodes: NodeJSON[] | undefined): NodeJSON {
  const dir = node.isDir;
  return nodeJSON(
    {
      key,
      dir,
      value: dir ? undefined : node.value,
      expireTime: node.expireTime,
      nodes,
      modifiedIndex: node.modifiedIndex,
      createdIndex: node.createdIndex,
    },
    now,
  );
}

function listChildren(dir: TreeNode, key: string, now: number, recursive: boolean, sorted: boolean): NodeJSON[] {
  const visible: TreeNode[] = [];
  for (const child of dir.children!.values()) if (!isHiddenName(child.name)) visible.push(child);
  // Siblings share their parent's prefix, so ordering names orders keys.
  if (sorted) visible.sort((a, b) => compareKeys(a.name, b.name));
  return visible.map((child) => {
    const childKey = childPath(key, child.name);
    const nodes = recursive && child.isDir ? listChildren(child, childKey, now, true, sorted) : undefined;
    return view(child, childKey, now, nodes);
  });
}
