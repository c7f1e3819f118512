import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryHeap } from '../../src/store/expiry-heap.js';
import { TreeNode } from '../../src/store/tree-node.js';

const root = TreeNode.directory('', undefined, 0, 0);

type HeapOp = { op: 'push'; at: number } | { op: 'remove'; pick: number } | { op: 'retime'; pick: number; at: number } | { op: 'pop' };

const heapOp: fc.Arbitrary<HeapOp> = fc.oneof(
  fc.record({ op: fc.constant('push' as const), at: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('retime' as const), pick: fc.nat(), at: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ op: fc.constant('pop' as const) }),
);

describe('the expiry heap', () => {
  it('always yields the node expiring first (older first on a tie), through pushes, removals and re-timings', () => {
    fc.assert(
      fc.property(fc.array(heapOp, { maxLength: 200, size: 'max' }), (ops) => {
        const heap = new ExpiryHeap();
        const live: TreeNode[] = [];
        let created = 0;
        const first = (): TreeNode | undefined =>
          [...live].sort((a, b) => a.expireTime - b.expireTime || a.createdIndex - b.createdIndex)[0];
        for (const o of ops) {
          if (o.op === 'push') {
            const node = TreeNode.file(`k${++created}`, root, created, o.at, '');
            heap.push(node);
            live.push(node);
          } else if (o.op === 'pop') {
            const top = heap.peek();
            expect(top).toBe(first());
            if (top) {
              heap.remove(top);
              live.splice(live.indexOf(top), 1);
            }
          } else if (live.length > 0) {
            const node = live[o.pick % live.length]!;
            if (o.op === 'remove') {
              heap.remove(node);
              live.splice(live.indexOf(node), 1);
              expect(node.heapIndex).toBe(-1);
            } else {
              node.expireTime = o.at;
              heap.update(node);
            }
          }
          expect(heap.size).toBe(live.length);
          expect(heap.peek()).toBe(first());
        }
      }),
      { numRuns: 200 },
    );
  });
});
