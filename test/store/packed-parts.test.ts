// Big snapshot values are written in pieces (packed-parts.ts); any msgpack reader must read them
// back as the value msgpackr would have packed whole.
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { finishSteps, joinSteps, packBin, packLargeArraySteps, packMap, PackedParts } from '../../src/store/packed-parts.js';
import type { Steps } from '../../src/store/packed-parts.js';

const packr = new Packr({ useRecords: false, moreTypes: false });
const packLargeArray = (p: Packr, items: readonly unknown[]): PackedParts => finishSteps(packLargeArraySteps(p, items));
const item = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.constant(null), fc.boolean());

describe('packed parts', () => {
  it('an array packed in chunks reads back whole, across chunk and header-size boundaries', () => {
    for (const n of [0, 1, 15, 16, 5_999, 6_000, 6_001, 65_535, 65_536, 70_000]) {
      const items = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `k${i}` : i % 3 === 1 ? i * 1000 : null));
      const bytes = packLargeArray(packr, items).join();
      expect(packr.unpack(bytes), `${n} items`).toEqual(items);
    }
    // Against what msgpackr itself reads back from the array packed whole: msgpack keeps no -0,
    // so the items themselves are not the oracle.
    fc.assert(fc.property(fc.array(item, { maxLength: 200 }), (items) => {
      expect(packr.unpack(packLargeArray(packr, items).join())).toEqual(packr.unpack(packr.pack(items)));
    }));
  });

  it('a map of packed and plain values, with a bin, reads back as one object', () => {
    const bin = Buffer.from('the store bytes');
    const inner = packMap(packr, [['tree', packLargeArray(packr, ['a', 1, null])], ['stats', [1, 2]]]);
    const parts = packMap(packr, [['store', packBin(bin)], ['inner', inner], ['members', { m1: { name: 'm1' } }]]);
    const bytes = parts.join();
    expect(bytes.byteLength).toBe(parts.byteLength);
    const value = packr.unpack(bytes);
    expect(Buffer.from(value.store).equals(bin)).toBe(true);
    expect(value).toEqual({ store: value.store, inner: { tree: ['a', 1, null], stats: [1, 2] }, members: { m1: { name: 'm1' } } });
    expect(parts).toBeInstanceOf(PackedParts);
  });

  it('a bin around packed pieces holds their joined bytes', () => {
    const inner = packMap(packr, [['tree', packLargeArray(packr, ['a', 1, null])]]);
    const value = packr.unpack(packMap(packr, [['store', packBin(inner)]]).join());
    expect(Buffer.isBuffer(value.store)).toBe(true);
    expect(packr.unpack(value.store)).toEqual({ tree: ['a', 1, null] });
  });

  it('pieces own their bytes: later packing does not change them', () => {
    const parts = packLargeArray(packr, ['first', 1]);
    for (let i = 0; i < 1000; i++) packr.pack({ filler: 'x'.repeat(i) });
    expect(packr.unpack(parts.join())).toEqual(['first', 1]);
  });

  it('steps: an array yields between chunks, a join every few MiB, and both end with what one go makes', () => {
    const stepsOf = <T>(steps: Steps<T>): { yields: number; value: T } => {
      let yields = 0;
      for (;;) {
        const step = steps.next();
        if (step.done) return { yields, value: step.value };
        yields++;
      }
    };
    const items = Array.from({ length: 20_000 }, (_, i) => `item ${i}`);
    const packed = stepsOf(packLargeArraySteps(packr, items));
    expect(packed.yields).toBe(3); // chunks of 6,000: 4 chunks, a step between each
    expect(packr.unpack(packed.value.join())).toEqual(items);

    const big = new PackedParts(Array.from({ length: 10 }, (_, i) => Buffer.alloc(1024 * 1024, i)));
    const joined = stepsOf(joinSteps(big));
    expect(joined.yields).toBe(2); // after 4 and 8 MiB
    expect(joined.value.equals(Buffer.concat(big.pieces as Uint8Array[]))).toBe(true);
  });
});
