import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/transport/backoff.js';

describe('reconnect backoff', () => {
  it('doubles from the floor to the ceiling and starts over after a reset', () => {
    const b = new Backoff(50, 1000, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.next())).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(50);
  });

  it('jitters each delay down to half of its step', () => {
    const b = new Backoff(50, 1000, () => 0);
    expect([1, 2, 3].map(() => b.next())).toEqual([25, 50, 100]);
  });
});
