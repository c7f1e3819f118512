import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('the seeded random source', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number): number[] => {
      const r = new Random(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps integers within their inclusive bounds and reaches both ends', () => {
    const r = new Random(5);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(2, 6)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('a fork is an independent stream: drawing from it does not shift the parent', () => {
    const a = new Random(9);
    const b = new Random(9);
    const fork = a.fork();
    b.fork();
    for (let i = 0; i < 10; i++) fork.next();
    expect(a.next()).toBe(b.next());
  });
});
