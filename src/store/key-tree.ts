// The directory tree and the expiry heap that must always agree with it: every node with a
// TTL that is in the tree is in the heap, and nothing else is.
import { ExpiryHeap } from './expiry-heap.js';
import { TreeNode } from './tree-node.js';
import { childPath } from './path.js';
import { ErrorCode, EtcdError } from './types.js';

export interface Missing {
  code: typeof ErrorCode.NotDir | typeof ErrorCode.KeyNotFound;
  cause: string;
}

export class KeyTree {
  readonly expiry = new ExpiryHeap();

  constructor(readonly root: TreeNode = TreeNode.directory('', undefined, 0, 0)) {}

  /**
   * The node at a clean path (etcd's internalGet), or why there is none: 104 naming the file met
   * on the way, or 100 naming the first missing component. Builds no Error, so a set of a new
   * key (which looks first) stays cheap.
   */
  find(path: string): TreeNode | Missing {
    let node = this.root;
    for (let start = 1; start < path.length; ) {
      const end = nextSlash(path, start);
      if (node.children === undefined) return { code: ErrorCode.NotDir, cause: path.slice(0, start - 1) };
      const child = node.children.get(path.slice(start, end));
      if (child === undefined) return { code: ErrorCode.KeyNotFound, cause: path.slice(0, end) };
      node = child;
      start = end + 1;
    }
    return node;
  }

  /** Like find, throwing the EtcdError (with `index` as its index) when there is no node. */
  lookup(path: string, index: number): TreeNode {
    const found = this.find(path);
    if (found instanceof TreeNode) return found;
    throw new EtcdError(found.code, found.cause, index);
  }

  /**
   * The directory at a clean path, creating missing ones as permanent directories born at
   * `createdIndex` (etcd's checkDir walk). Throws 104 naming a file in the way.
   */
  ensureDirectory(path: string, createdIndex: number, index: number): TreeNode {
    let node = this.root;
    for (let start = 1; start < path.length; ) {
      const end = nextSlash(path, start);
      const name = path.slice(start, end);
      let child = node.children!.get(name);
      if (child === undefined) {
        child = TreeNode.directory(name, node, createdIndex, 0);
        node.children!.set(name, child);
      } else if (!child.isDir) {
        throw new EtcdError(ErrorCode.NotDir, path.slice(0, end), index);
      }
      node = child;
      start = end + 1;
    }
    return node;
  }

  attach(node: TreeNode): void {
    node.parent!.children!.set(node.name, node);
    if (node.expireTime !== 0) this.expiry.push(node);
  }

  /** Takes a file out of the tree (a set replacing it): no watcher hears of it. */
  detachFile(node: TreeNode): void {
    node.parent!.children!.delete(node.name);
    if (node.heapIndex >= 0) this.expiry.remove(node);
  }

  /**
   * Takes a node and everything under it out of the tree. `onRemoved` hears every removed
   * path in etcd's order: a directory's children (depth first) before the directory itself.
   * Iterative, so no key depth can overflow the stack.
   */
  removeSubtree(node: TreeNode, path: string, onRemoved: ((path: string) => void) | undefined): void {
    node.parent!.children!.delete(node.name);
    const pending: { node: TreeNode; path: string; expanded: boolean }[] = [{ node, path, expanded: false }];
    while (pending.length > 0) {
      const top = pending.pop()!;
      if (top.node.isDir && !top.expanded) {
        top.expanded = true;
        pending.push(top);
        const children = [...top.node.children!.values()];
        for (let i = children.length - 1; i >= 0; i--) {
          const child = children[i]!;
          pending.push({ node: child, path: onRemoved ? childPath(top.path, child.name) : '', expanded: false });
        }
        continue;
      }
      if (top.node.heapIndex >= 0) this.expiry.remove(top.node);
      onRemoved?.(top.path);
    }
  }

  /** etcd's UpdateTTL: 0 makes the node permanent. */
  setExpireTime(node: TreeNode, expireTime: number): void {
    const wasTimed = node.expireTime !== 0;
    node.expireTime = expireTime;
    if (wasTimed && expireTime === 0) this.expiry.remove(node);
    else if (wasTimed) this.expiry.update(node);
    else if (expireTime !== 0) this.expiry.push(node);
  }
}

function nextSlash(path: string, from: number): number {
  const i = path.indexOf('/', from);
  return i < 0 ? path.length : i;
}
