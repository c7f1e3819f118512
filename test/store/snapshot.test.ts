import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { T0, body, del, errorBody, get, put, settle } from './support.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

describe('a store snapshot', () => {
  it('carries the tree, TTLs, index and statistics', () => {
    const s = new Store();
    put(s, '/a/b', { val: '1' });
    put(s, '/t', { val: 'x', ttl: 5 });
    put(s, '/d', { dir: true, ttl: 9 });
    get(s, '/a/b');
    const r = Store.restore(s.save());
    expect(r.index).toBe(3);
    expect(body(get(r, '/', { recursive: true, sorted: true }, T0 + 1000))).toBe(body(get(s, '/', { recursive: true, sorted: true }, T0 + 1000)));
    expect(r.stats()).toEqual(s.stats());
    expect(r.nextExpiration()).toBe(T0 + 5000);
    expect(r.expireKeys(T0 + 9000).map((ev) => ev.node.key)).toEqual(['/t', '/d']);
  });

  it('carries the event history, so a watch can start in the past after a restore', async () => {
    const s = new Store();
    put(s, '/k', { val: '1' });
    put(s, '/k', { val: '2' });
    const r = Store.restore(s.save());
    const seen: string[] = [];
    r.watch('/k', { sinceIndex: 2 }, (ev) => seen.push(ev.node.value!));
    await settle();
    expect(seen).toEqual(['2']);
  });

  it('keeps only the newest events when restored with a smaller history', () => {
    const s = new Store({ historySize: 10 });
    for (let i = 0; i < 10; i++) put(s, '/k', { val: String(i) });
    const r = Store.restore(s.save(), { historySize: 4 });
    expect(errorBody(() => r.watch('/k', { sinceIndex: 6 }, () => {}))).toBe(
      '{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [7/6]","index":10}',
    );
  });

  it('does not carry watchers', () => {
    const s = new Store();
    s.watch('/k', {}, () => {});
    expect(Store.restore(s.save()).watcherCount).toBe(0);
  });

  it('keeps each directory listing in its own order', () => {
    const s = new Store();
    for (const name of ['c', 'a', 'b']) put(s, `/o/${name}`, { val: name });
    const r = Store.restore(s.save());
    expect(get(r, '/o').node.nodes!.map((n) => n.key)).toEqual(['/o/c', '/o/a', '/o/b']);
  });

  it('handles keys nested thousands of levels deep, which must not overflow the stack', () => {
    const s = new Store();
    const deep = '/d'.repeat(20_000);
    put(s, deep, { val: 'bottom', ttl: 5 });
    const r = Store.restore(s.save());
    expect(sameBytes(r.save(), s.save())).toBe(true);
    expect(get(r, deep).node.value).toBe('bottom');
    expect(r.expireKeys(T0 + 5000)).toHaveLength(1);
    del(s, '/d', { recursive: true });
    expect(s.nextExpiration()).toBeUndefined();
  });

  it('taken in steps, is the state when the steps began, however the store changes between them', () => {
    const s = new Store();
    // Enough nodes for several chunks (1,000 nodes each), in nested directories, some with TTLs.
    for (let i = 0; i < 4_500; i++) put(s, `/dir${i % 7}/sub${i % 3}/k${i}`, { val: `value ${i}`, ...(i % 10 === 0 && { ttl: 60 }) });
    const before = s.save();
    const steps = s.saveSteps();
    let turn = 0;
    for (let step = steps.next(); ; step = steps.next(), turn++) {
      if (step.done) {
        expect(turn).toBeGreaterThan(3);
        expect(sameBytes(step.value.join(), before)).toBe(true);
        break;
      }
      // What the Ready loop applies between two steps: writes, replaced values, deletes, expiry.
      put(s, `/dir${turn % 7}/sub0/k${turn}`, { val: `changed in turn ${turn}` });
      put(s, `/new/k${turn}`, { val: 'new' });
      del(s, `/dir${turn % 7}/sub1`, { recursive: true });
      s.expireKeys(T0 + 61_000);
    }
    expect(sameBytes(s.save(), before)).toBe(false);
  });

  it('refuses bytes of an unknown format version', () => {
    const s = new Store();
    const bytes = s.save();
    // The map's first value is the version: 1 as a positive fixint.
    const version = Buffer.from(bytes).indexOf(Buffer.from([0xa7, ...Buffer.from('version'), 0x01]));
    expect(version).toBeGreaterThanOrEqual(0);
    const tampered = Buffer.from(bytes);
    tampered[version + 8] = 0x02;
    expect(() => Store.restore(tampered)).toThrow(/version 2/);
  });
});
