// The nodes that have a TTL, ordered by expiration time: a binary min-heap whose nodes know
// their own slot, so removing or re-timing one is O(log n).
import { compareKeys } from './path.js';
import type { TreeNode } from './tree-node.js';

/**
 * Expiration first; ties (common at millisecond resolution) broken by createdIndex and then
 * path, a total order over live nodes, so every member expires them in the same order.
 */
function expiresBefore(a: TreeNode, b: TreeNode): boolean {
  if (a.expireTime !== b.expireTime) return a.expireTime < b.expireTime;
  if (a.createdIndex !== b.createdIndex) return a.createdIndex < b.createdIndex;
  return compareKeys(a.path(), b.path()) < 0;
}

export class ExpiryHeap {
  private readonly nodes: TreeNode[] = [];

  get size(): number {
    return this.nodes.length;
  }

  peek(): TreeNode | undefined {
    return this.nodes[0];
  }

  push(node: TreeNode): void {
    node.heapIndex = this.nodes.length;
    this.nodes.push(node);
    this.siftUp(node.heapIndex);
  }

  remove(node: TreeNode): void {
    const i = node.heapIndex;
    const last = this.nodes.pop()!;
    node.heapIndex = -1;
    if (last === node) return;
    this.place(last, i);
    this.siftDown(i);
    this.siftUp(last.heapIndex);
  }

  /** Restores order after node.expireTime changed. */
  update(node: TreeNode): void {
    this.siftDown(node.heapIndex);
    this.siftUp(node.heapIndex);
  }

  private siftUp(i: number): void {
    const node = this.nodes[i]!;
    while (i > 0) {
      const parentSlot = (i - 1) >> 1;
      const parent = this.nodes[parentSlot]!;
      if (!expiresBefore(node, parent)) break;
      this.place(parent, i);
      i = parentSlot;
    }
    this.place(node, i);
  }

  private siftDown(i: number): void {
    const node = this.nodes[i]!;
    const n = this.nodes.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && expiresBefore(this.nodes[child + 1]!, this.nodes[child]!)) child++;
      const next = this.nodes[child]!;
      if (!expiresBefore(next, node)) break;
      this.place(next, i);
      i = child;
    }
    this.place(node, i);
  }

  private place(node: TreeNode, i: number): void {
    this.nodes[i] = node;
    node.heapIndex = i;
  }
}
