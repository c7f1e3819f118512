// Expected counts follow etcd 3.4.23's /v2/stats/store across the same requests. (Real etcd
// also counts one failed get per HTTP request, from its v2 auth check reading /2/enabled; that
// is not the store's doing and is left out here.)
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import type { StoreStatsJSON } from '../../src/store/store-stats.js';
import { T0, del, get, post, put } from './support.js';

function counts(run: (s: Store) => void): Partial<StoreStatsJSON> {
  const s = new Store();
  run(s);
  return Object.fromEntries(Object.entries(s.stats()).filter(([, n]) => n !== 0));
}

function attempt(run: () => unknown): void {
  try {
    run();
  } catch {
    // Only the counters matter here.
  }
}

describe('store statistics', () => {
  it('have etcd field names in etcd order', () => {
    expect(JSON.stringify(new Store().stats())).toBe(
      '{"getsSuccess":0,"getsFail":0,"setsSuccess":0,"setsFail":0,"deleteSuccess":0,"deleteFail":0,"updateSuccess":0,"updateFail":0,"createSuccess":0,"createFail":0,"compareAndSwapSuccess":0,"compareAndSwapFail":0,"compareAndDeleteSuccess":0,"compareAndDeleteFail":0,"expireCount":0,"watchers":0}',
    );
  });

  it('count gets: a missing key is a failed get', () => {
    expect(counts((s) => {
      put(s, '/a', { val: '1' });
      get(s, '/a');
      attempt(() => get(s, '/nope'));
    })).toEqual({ getsSuccess: 1, getsFail: 1, setsSuccess: 1 });
  });

  it('count a set blocked by a file once, but a create blocked by a file also as a failed set', () => {
    expect(counts((s) => {
      put(s, '/a', { val: '1' });
      attempt(() => put(s, '/a/b', { val: '1' }));
      attempt(() => put(s, '/a/b', { val: '1', prevExist: false }));
      attempt(() => post(s, '/a', { val: '1' }));
    })).toEqual({ setsSuccess: 1, setsFail: 3, createFail: 2 });
  });

  it('count a set over a directory and a set of the root as failed sets, a create of an existing key as a failed create', () => {
    expect(counts((s) => {
      put(s, '/d', { dir: true });
      attempt(() => put(s, '/d', { dir: true }));
      attempt(() => put(s, '/', { val: '1' }));
      attempt(() => put(s, '/d', { val: '1', prevExist: false }));
      attempt(() => put(s, '/', { val: '1', prevExist: false }));
    })).toEqual({ setsSuccess: 1, setsFail: 2, createFail: 2 });
  });

  it('count as successful, like etcd, an update of the root or giving a directory a value', () => {
    expect(counts((s) => {
      put(s, '/d', { dir: true });
      attempt(() => put(s, '/', { val: '1', prevExist: true }));
      attempt(() => put(s, '/d', { val: 'x', prevExist: true }));
      attempt(() => put(s, '/nope', { val: 'x', prevExist: true }));
    })).toEqual({ setsSuccess: 1, updateSuccess: 2, updateFail: 1 });
  });

  it('count as successful, like etcd, a compareAndSwap of the root, but other compareAndSwap errors as failures', () => {
    expect(counts((s) => {
      put(s, '/k', { val: 'a' });
      put(s, '/d', { dir: true });
      attempt(() => put(s, '/', { val: '1', prevValue: '3' }));
      attempt(() => put(s, '/k', { val: 'b', prevValue: 'x' }));
      attempt(() => put(s, '/d', { val: 'b', prevValue: 'x' }));
      attempt(() => put(s, '/nope', { val: 'b', prevValue: 'x' }));
      put(s, '/k', { val: 'b', prevValue: 'a' });
    })).toEqual({ setsSuccess: 2, compareAndSwapSuccess: 2, compareAndSwapFail: 3 });
  });

  it('count as successful, like etcd, a delete of the root, but other delete errors as failures', () => {
    expect(counts((s) => {
      put(s, '/d', { dir: true });
      put(s, '/e/f', { val: '1' });
      attempt(() => del(s, '/'));
      attempt(() => del(s, '/d'));
      attempt(() => del(s, '/e', { dir: true }));
      attempt(() => del(s, '/nope'));
      del(s, '/d', { dir: true });
    })).toEqual({ setsSuccess: 2, deleteSuccess: 2, deleteFail: 3 });
  });

  it('count as successful, like etcd, a compareAndDelete that fails its compare or meets a directory', () => {
    expect(counts((s) => {
      put(s, '/c', { val: '1' });
      put(s, '/d', { dir: true });
      attempt(() => del(s, '/c', { prevValue: '2' }));
      attempt(() => del(s, '/d', { prevIndex: 3 }));
      attempt(() => del(s, '/', { prevIndex: 3 }));
      attempt(() => del(s, '/nope', { prevIndex: 3 }));
      del(s, '/c', { prevValue: '1' });
    })).toEqual({ setsSuccess: 2, compareAndDeleteSuccess: 4, compareAndDeleteFail: 1 });
  });

  it('count every expired node that a SYNC removes, and the live watchers', () => {
    const s = new Store();
    put(s, '/a', { val: '1', ttl: 1 });
    put(s, '/b', { val: '1', ttl: 1 });
    s.watch('/x', {}, () => {});
    s.expireKeys(T0 + 1000);
    expect(s.stats()).toMatchObject({ expireCount: 2, watchers: 1 });
  });
});
