import { describe, expect, it } from 'vitest';
import { checkHistory, formatVerdict } from './history-checker.js';
import { casIndex, casValue, create, del, fail, get, HistoryBuilder, missing, ok, read, set } from './history-builder.js';
import type { Operation } from './history.js';
import { randomHistory } from './random-history.js';

const linearizable = (ops: Operation[]): boolean => checkHistory(ops).ok;

describe('linearizability checker: etcd v2 key model', () => {
  it('accepts a sequential history', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 1, get, missing)
      .add(1, 2, 3, create('a'), ok(4))
      .add(2, 4, 5, get, read('a', 4))
      .add(2, 6, 7, casValue('a', 'b'), ok(9))
      .add(1, 8, 9, casIndex(9, 'c'), ok(10))
      .add(1, 10, 11, casIndex(9, 'd'), fail(101))
      .add(2, 12, 13, create('x'), fail(105))
      .add(3, 14, 15, del, ok(12))
      .add(3, 16, 17, casValue('c', 'e'), fail(100))
      .add(3, 18, 19, del, fail(100));
    expect(linearizable(h.ops)).toBe(true);
  });

  it('accepts concurrent writes read in either order, and reads concurrent with a write seeing old or new', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 10, set('a'), ok(5))
      .add(2, 1, 9, set('b'), ok(3)) // b was applied first
      .add(3, 11, 12, get, read('a', 5))
      .add(1, 13, 20, set('c'), ok(8))
      .add(2, 14, 15, get, read('a', 5))
      .add(3, 16, 17, get, read('c', 8))
      .add(2, 18, 19, get, read('c', 8));
    expect(linearizable(h.ops)).toBe(true);
  });

  it('rejects a stale read, and reports the shortest window', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 1, set('a'), ok(1))
      .add(1, 2, 3, set('b'), ok(2))
      .add(2, 4, 5, get, read('a', 1));
    const v = checkHistory(h.ops);
    expect(v.ok).toBe(false);
    const f = v.failures[0]!;
    expect(f.window.map((o) => o.id)).toEqual([1, 2]);
    expect(f.culprit.id).toBe(2);
    expect(f.report).toContain('client  2');
    expect(f.report).toContain('<== history stops being linearizable');
  });

  it('rejects a read that goes back in time between two readers (no write in between)', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 10, set('b'), ok(7))
      .add(9, -1, 0, set('a'), ok(3))
      .add(2, 1, 2, get, read('b', 7))
      .add(3, 3, 4, get, read('a', 3));
    expect(linearizable(h.ops)).toBe(false);
  });

  it('rejects a lost acknowledged write', () => {
    const h = new HistoryBuilder().add(1, 0, 1, create('a'), ok(3)).add(2, 2, 3, get, missing);
    expect(linearizable(h.ops)).toBe(false);
  });

  it('rejects two compare-and-swaps from the same prevValue that both succeed', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 1, set('a'), ok(1))
      .add(2, 2, 6, casValue('a', 'b'), ok(2))
      .add(3, 3, 7, casValue('a', 'c'), ok(3));
    expect(linearizable(h.ops)).toBe(false);
  });

  it('rejects two compare-and-swaps on the same prevIndex that both succeed', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 1, set('a'), ok(1))
      .add(2, 2, 6, casIndex(1, 'b'), ok(2))
      .add(3, 3, 7, casIndex(1, 'c'), ok(3));
    expect(linearizable(h.ops)).toBe(false);
  });

  it('rejects a prevIndex swap that succeeds against another index, and one that fails against its own', () => {
    const wrong = new HistoryBuilder().add(1, 0, 1, set('a'), ok(5)).add(2, 2, 3, casIndex(4, 'b'), ok(6));
    expect(linearizable(wrong.ops)).toBe(false);
    const spurious = new HistoryBuilder().add(1, 0, 1, set('a'), ok(5)).add(2, 2, 3, casIndex(5, 'b'), fail(101));
    expect(linearizable(spurious.ops)).toBe(false);
    const fine = new HistoryBuilder().add(1, 0, 1, set('a'), ok(5)).add(2, 2, 3, casIndex(5, 'b'), ok(8));
    expect(linearizable(fine.ops)).toBe(true);
  });

  it('rejects a prevValue swap that fails although the value matched', () => {
    const h = new HistoryBuilder().add(1, 0, 1, set('a'), ok(1)).add(2, 2, 3, casValue('a', 'b'), fail(101));
    expect(linearizable(h.ops)).toBe(false);
  });

  it('rejects two creates that both succeed, and accepts them with a delete between', () => {
    const twice = new HistoryBuilder().add(1, 0, 5, create('a'), ok(1)).add(2, 1, 6, create('b'), ok(2));
    expect(linearizable(twice.ops)).toBe(false);
    const withDelete = new HistoryBuilder()
      .add(1, 0, 5, create('a'), ok(1))
      .add(2, 1, 6, create('b'), ok(3))
      .add(3, 2, 4, del, ok(2));
    expect(linearizable(withDelete.ops)).toBe(true);
  });

  it('rejects modifiedIndexes that run backwards along real time', () => {
    const h = new HistoryBuilder().add(1, 0, 1, set('a'), ok(9)).add(2, 2, 3, set('b'), ok(4));
    expect(linearizable(h.ops)).toBe(false);
  });

  it('an indeterminate write may take effect late: it explains an otherwise impossible read', () => {
    const without = new HistoryBuilder().add(1, 0, 1, set('a'), ok(1)).add(2, 50, 51, get, read('x', 7));
    expect(linearizable(without.ops)).toBe(false);
    const withLost = new HistoryBuilder()
      .add(1, 0, 1, set('a'), ok(1))
      .add(3, 2, undefined, set('x'), undefined) // timed out
      .add(2, 20, 21, get, read('a', 1)) // not applied yet
      .add(2, 50, 51, get, read('x', 7)); // applied now
    expect(linearizable(withLost.ops)).toBe(true);
  });

  it('an indeterminate write cannot take effect before its invocation', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 1, set('a'), ok(1))
      .add(2, 2, 3, get, read('x', 7))
      .add(3, 10, undefined, set('x'), undefined);
    expect(linearizable(h.ops)).toBe(false);
  });

  it('an indeterminate write that took effect cannot be undone', () => {
    const h = new HistoryBuilder()
      .add(3, 0, undefined, set('x'), undefined)
      .add(2, 2, 3, get, read('x', 7))
      .add(1, 4, 5, get, missing);
    expect(linearizable(h.ops)).toBe(false);
  });

  it('an indeterminate compare-and-swap makes a later failure of the same compare explicable', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 1, set('a'), ok(1))
      .add(2, 2, undefined, casValue('a', 'b'), undefined)
      .add(3, 10, 11, casValue('a', 'c'), fail(101))
      .add(3, 12, 13, get, read('b', 4));
    expect(linearizable(h.ops)).toBe(true);
  });

  it('finishes with indeterminate operations left over that change nothing where they could go', () => {
    const h = new HistoryBuilder()
      .add(1, 0, undefined, casValue('nope', 'x'), undefined) // would fail wherever it went
      .add(2, 1, 2, create('a'), ok(3))
      .add(3, 5, undefined, create('b'), undefined) // a no-op after the create
      .add(2, 6, 7, get, read('a', 3));
    expect(linearizable(h.ops)).toBe(true);
  });

  it('rejects a stale read among a dozen pending indeterminate writes quickly', () => {
    const h = new HistoryBuilder();
    for (let i = 0; i < 12; i++) h.add(10 + i, i, undefined, set(`u${i}`), undefined);
    h.add(1, 100, 101, set('a'), ok(100)).add(1, 102, 103, set('b'), ok(101)).add(2, 104, 105, get, read('a', 100));
    const started = Date.now();
    expect(linearizable(h.ops)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('splits by key: a stale read on one key does not hide behind another', () => {
    const h = new HistoryBuilder()
      .add(1, 0, 1, set('a'), ok(1), '/x')
      .add(1, 2, 3, set('a'), ok(2), '/y')
      .add(2, 4, 5, get, read('a', 2), '/y')
      .add(2, 6, 7, get, missing, '/x');
    const v = checkHistory(h.ops);
    expect(v.ok).toBe(false);
    expect(v.failures.map((f) => f.key)).toEqual(['/x']);
    expect(formatVerdict(v)).toContain('key /x: not linearizable');
  });

  it('accepts random histories of a real atomic key (with lost answers), and is fast on long ones', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const ops = randomHistory(seed, 6, 40, 0.05);
      const v = checkHistory(ops);
      if (!v.ok) throw new Error(`seed ${seed}: ${formatVerdict(v)}`);
    }
    const started = Date.now();
    const long = randomHistory(99, 10, 1000, 0.01);
    expect(checkHistory(long).ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('rejects random histories with one read corrupted to an older answer (mostly)', () => {
    let rejected = 0;
    let tried = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const ops = randomHistory(seed, 4, 30, 0);
      // Replace a late read's answer by the first write's answer: stale unless nothing changed.
      const firstWrite = ops.find((o) => o.input.f !== 'get' && o.output?.ok === true && !('missing' in o.output));
      const late = ops.filter((o) => o.input.f === 'get' && o.output?.ok && o.call > firstWrite!.ret * 3).pop();
      if (!firstWrite || !late || firstWrite.input.f === 'delete' || !('value' in firstWrite.input)) continue;
      const idx = (firstWrite.output as { index: number }).index;
      if (late.output && 'index' in late.output && late.output.index === idx) continue;
      late.output = { ok: true, value: firstWrite.input.value, index: idx };
      tried++;
      if (!checkHistory(ops).ok) rejected++;
    }
    expect(tried).toBeGreaterThan(10);
    expect(rejected).toBe(tried);
  });
});
