import { expect, test } from 'vitest';
import { Inflights } from '../../raft/inflights.js';

test('the inflight window fills up, frees acknowledged messages in order and wraps around', () => {
  const w = new Inflights(3);
  w.add(10);
  w.add(20);
  w.add(30);
  expect(w.full()).toBe(true);
  expect(() => w.add(40)).toThrow(/full/);
  w.freeLE(25);
  expect(w.size).toBe(1);
  w.add(40);
  w.add(50);
  expect(w.full()).toBe(true);
  w.freeLE(45);
  expect(w.size).toBe(1);
  w.freeFirstOne();
  expect(w.size).toBe(0);
});

test('freeing below the oldest inflight message frees nothing', () => {
  const w = new Inflights(4);
  w.add(5);
  w.add(6);
  w.freeLE(4);
  expect(w.size).toBe(2);
});
