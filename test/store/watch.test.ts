import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { WatcherHub } from '../../src/store/watcher-hub.js';
import type { StoreEvent } from '../../src/store/types.js';
import { T0, body, del, errorBody, put, settle } from './support.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A watch whose events are collected as etcd would send them. */
function watching(s: Store, path: string, opts: { recursive?: boolean; stream?: boolean; sinceIndex?: number } = {}) {
  const seen: string[] = [];
  const events: StoreEvent[] = [];
  const watcher = s.watch(path, opts, (ev) => {
    seen.push(body(ev));
    events.push(ev);
  });
  return { seen, events, watcher };
}

describe('a watcher', () => {
  it('without stream fires once and is gone', () => {
    const s = new Store();
    const w = watching(s, '/k');
    expect(s.watcherCount).toBe(1);
    put(s, '/k', { val: '1' });
    put(s, '/k', { val: '2' });
    expect(w.seen).toEqual(['{"action":"set","node":{"key":"/k","value":"1","modifiedIndex":1,"createdIndex":1}}']);
    expect(s.watcherCount).toBe(0);
    w.watcher.remove();
    expect(s.watcherCount).toBe(0);
  });

  it('with stream fires for every matching event until removed', () => {
    const s = new Store();
    const w = watching(s, '/k', { stream: true });
    put(s, '/k', { val: '1' });
    put(s, '/other', { val: '1' });
    put(s, '/k', { val: '2' });
    w.watcher.remove();
    put(s, '/k', { val: '3' });
    expect(w.events.map((ev) => ev.node.value)).toEqual(['1', '2']);
    expect(s.watcherCount).toBe(0);
  });

  it('gets the event with the store index after it as etcdIndex', () => {
    const s = new Store();
    const w = watching(s, '/k');
    put(s, '/k', { val: '1' });
    expect(w.events[0]!.etcdIndex).toBe(1);
  });

  it('recursive sees changes below its key; a plain one does not', () => {
    const s = new Store();
    const recursive = watching(s, '/dir', { recursive: true });
    const plain = watching(s, '/dir');
    put(s, '/dir/a/b', { val: '1' });
    expect(recursive.seen).toEqual(['{"action":"set","node":{"key":"/dir/a/b","value":"1","modifiedIndex":1,"createdIndex":1}}']);
    expect(plain.seen).toEqual([]);
  });

  it('on a hidden key is woken, but a recursive watcher on its parent is not', () => {
    const s = new Store();
    const hidden = watching(s, '/hh/_x');
    const parent = watching(s, '/hh', { recursive: true });
    const root = watching(s, '/', { recursive: true, stream: true });
    put(s, '/hh/_x', { val: '1' });
    put(s, '/_top', { val: '1' });
    put(s, '/hh/y', { val: '2' });
    expect(hidden.seen).toEqual(['{"action":"set","node":{"key":"/hh/_x","value":"1","modifiedIndex":1,"createdIndex":1}}']);
    expect(parent.seen).toEqual(['{"action":"set","node":{"key":"/hh/y","value":"2","modifiedIndex":3,"createdIndex":3}}']);
    expect(root.events.map((ev) => ev.node.key)).toEqual(['/hh/y']);
  });

  it('recursive on a hidden directory sees what happens inside it', () => {
    const s = new Store();
    const w = watching(s, '/_d', { recursive: true });
    put(s, '/_d/x', { val: '1' });
    expect(w.seen).toEqual(['{"action":"set","node":{"key":"/_d/x","value":"1","modifiedIndex":1,"createdIndex":1}}']);
  });

  it('inside a deleted directory hears of the delete, recursive or not', () => {
    const s = new Store();
    put(s, '/dd/c', { val: '1' });
    const child = watching(s, '/dd/c');
    del(s, '/dd', { recursive: true });
    expect(child.seen).toEqual([
      '{"action":"delete","node":{"key":"/dd","dir":true,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/dd","dir":true,"modifiedIndex":1,"createdIndex":1}}',
    ]);
  });

  it('inside an expired directory hears of the expiry', () => {
    const s = new Store();
    put(s, '/ed', { dir: true, ttl: 1 });
    put(s, '/ed/c', { val: '1' });
    const child = watching(s, '/ed/c');
    const root = watching(s, '/', { recursive: true });
    s.expireKeys(T0 + 2000);
    const expired =
      '{"action":"expire","node":{"key":"/ed","dir":true,"modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/ed","dir":true,"expiration":"2026-11-22T05:20:01Z","ttl":-1,"modifiedIndex":1,"createdIndex":1}}';
    expect(child.seen).toEqual([expired]);
    expect(root.seen).toEqual([expired]);
  });

  it('with stream on a deleted key hears the delete twice, as etcd sends it', () => {
    const s = new Store();
    put(s, '/w', { val: '1' });
    const stream = watching(s, '/w', { stream: true });
    const root = watching(s, '/', { recursive: true, stream: true });
    del(s, '/w');
    const deleted = '{"action":"delete","node":{"key":"/w","modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/w","value":"1","modifiedIndex":1,"createdIndex":1}}';
    expect(stream.seen).toEqual([deleted, deleted]);
    expect(root.seen).toEqual([deleted]);
  });

  it('with stream, removed while a write is being handed out, gets nothing more of it', () => {
    const s = new Store();
    put(s, '/w', { val: '1' });
    const seen: string[] = [];
    const w = s.watch('/w', { stream: true }, (ev) => {
      seen.push(ev.action);
      w.remove();
    });
    del(s, '/w');
    expect(seen).toEqual(['delete']);
  });

  it('is not woken by a refresh', () => {
    const s = new Store();
    put(s, '/r', { val: 'v', ttl: 10 });
    const w = watching(s, '/r', { stream: true });
    put(s, '/r', { ttl: 20, refresh: true, prevExist: true });
    put(s, '/r', { ttl: 20, refresh: true, prevValue: 'v' });
    put(s, '/r', { ttl: 20, refresh: true });
    expect(w.seen).toEqual([]);
    expect(s.index).toBe(4);
  });

  it('with a future sinceIndex waits for an event at or after it', () => {
    const s = new Store();
    const w = watching(s, '/k', { sinceIndex: 3 });
    put(s, '/k', { val: '1' });
    put(s, '/k', { val: '2' });
    put(s, '/k', { val: '3' });
    expect(w.events.map((ev) => ev.node.value)).toEqual(['3']);
  });

  it('hands events over only after the write is complete', () => {
    const s = new Store();
    let seenIndex = -1;
    s.watch('/k', {}, () => (seenIndex = s.index));
    put(s, '/k', { val: '1' });
    expect(seenIndex).toBe(1);
  });
});

describe('a watch from the history', () => {
  it('gets the first matching event at or after sinceIndex, after watch() returns, with the current index', async () => {
    const s = new Store();
    put(s, '/loop', { val: '1' });
    put(s, '/loop', { val: '2' });
    put(s, '/other', { val: 'x' });
    const w = watching(s, '/loop', { sinceIndex: 2 });
    expect(w.seen).toEqual([]);
    await settle();
    expect(w.seen).toEqual([
      '{"action":"set","node":{"key":"/loop","value":"2","modifiedIndex":2,"createdIndex":2},"prevNode":{"key":"/loop","value":"1","modifiedIndex":1,"createdIndex":1}}',
    ]);
    expect(w.events[0]!.etcdIndex).toBe(3);
    expect(s.watcherCount).toBe(0);
  });

  it('with stream delivers that one event and nothing more', async () => {
    const s = new Store();
    put(s, '/k', { val: 'a' });
    const w = watching(s, '/k', { sinceIndex: 1, stream: true });
    await settle();
    put(s, '/k', { val: 'z' });
    expect(w.events.map((ev) => ev.node.value)).toEqual(['a']);
  });

  it('removed before its microtask runs delivers nothing', async () => {
    const s = new Store();
    put(s, '/k', { val: 'a' });
    const w = watching(s, '/k', { sinceIndex: 1 });
    w.watcher.remove();
    await settle();
    expect(w.seen).toEqual([]);
  });

  it('recursive sees hidden keys, unlike a live watch (etcd scans history without the hidden check)', async () => {
    const s = new Store();
    put(s, '/h/_x', { val: '1' });
    const w = watching(s, '/', { recursive: true, sinceIndex: 1 });
    await settle();
    expect(w.events.map((ev) => ev.node.key)).toEqual(['/h/_x']);
  });

  it('matches a deleted directory by string prefix: a watch on /abc sees /ab go', async () => {
    const s = new Store();
    put(s, '/ab/c', { val: '1' });
    del(s, '/ab', { recursive: true });
    const w = watching(s, '/abc', { sinceIndex: 1 });
    const deep = watching(s, '/ab/c/d', { sinceIndex: 1 });
    await settle();
    const deleted =
      '{"action":"delete","node":{"key":"/ab","dir":true,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/ab","dir":true,"modifiedIndex":1,"createdIndex":1}}';
    expect(w.seen).toEqual([deleted]);
    expect(deep.seen).toEqual([deleted]);
  });

  it('skips refreshes, which still take their place in the history', async () => {
    const s = new Store();
    put(s, '/r', { val: 'v', ttl: 10 });
    put(s, '/r', { ttl: 20, refresh: true, prevExist: true });
    const w = watching(s, '/r', { sinceIndex: 2 });
    await settle();
    expect(w.seen).toEqual([]);
    expect(s.watcherCount).toBe(1);
  });

  it('answers 401 once sinceIndex has left the history', () => {
    const s = new Store({ historySize: 1000 });
    for (let i = 1; i <= 1036; i++) put(s, '/loop', { val: String(i) });
    expect(errorBody(() => s.watch('/loop', { sinceIndex: 20 }, () => {}))).toBe(
      '{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [37/20]","index":1036}',
    );
    expect(errorBody(() => s.watch('/loop', { sinceIndex: 36 }, () => {}))).toBe(
      '{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [37/36]","index":1036}',
    );
    expect(() => s.watch('/loop', { sinceIndex: 37 }, () => {}).remove()).not.toThrow();
  });
});

describe('removing watchers', () => {
  it('frees everything: a million watch/remove cycles on distinct keys leave the heap where it was', () => {
    const s = new Store();
    const noop = (): void => {};
    const cycle = (from: number, to: number): void => {
      for (let i = from; i < to; i++) s.watch(`/key/${i}`, { stream: i % 2 === 0, recursive: i % 3 === 0 }, noop).remove();
    };
    cycle(0, 10_000);
    const before = heapAfterGc();
    cycle(10_000, 1_010_000);
    const grown = heapAfterGc() - before;
    expect(s.watcherCount).toBe(0);
    expect(s.stats().watchers).toBe(0);
    // A leaked entry per watched key would hold well over 100 bytes each: 100 MB here.
    expect(grown).toBeLessThan(10_000_000);
  });

  it('drops a path from the hub once its last watcher goes, in any order', () => {
    const hub = new WatcherHub();
    const watchers = Array.from({ length: 100 }, (_, i) => hub.register(`/p${i % 7}`, false, true, 1, () => {}, undefined));
    for (const w of watchers.reverse()) w.remove();
    expect(hub.count).toBe(0);
    expect(hub.watchedKeys).toBe(0);
  });

});

describe('watchers across a snapshot install (recover)', () => {
  /** A follower's store at `/k`=1 and a leader's that has gone on by `writes` more sets. */
  function behind(writes: number, historySize = 1000): { follower: Store; leader: Store } {
    const follower = new Store({ historySize });
    const leader = new Store({ historySize });
    for (const s of [follower, leader]) put(s, '/k', { val: '1' });
    for (let i = 0; i < writes; i++) put(leader, i % 2 === 0 ? '/other' : '/k', { val: String(i) });
    return { follower, leader };
  }

  it('a long poll whose event the snapshot skipped gets it from the new history', async () => {
    const { follower, leader } = behind(3);
    const poll = watching(follower, '/k');
    follower.recover(leader.save());
    await settle();
    expect(poll.events.map((ev) => [ev.action, ev.node.key, ev.node.value, ev.node.modifiedIndex])).toEqual([['set', '/k', '1', 3]]);
    expect(follower.watcherCount).toBe(0);
  });

  it('a stream gets every skipped event in order, then keeps watching', async () => {
    const { follower, leader } = behind(6);
    const stream = watching(follower, '/k', { stream: true });
    follower.recover(leader.save());
    await settle();
    expect(stream.events.map((ev) => ev.node.modifiedIndex)).toEqual([3, 5, 7]);
    put(follower, '/k', { val: 'next' });
    expect(stream.events.map((ev) => ev.node.modifiedIndex)).toEqual([3, 5, 7, 8]);
  });

  it('a watcher with nothing in the skipped events stays registered and wakes on the next matching write', async () => {
    const { follower, leader } = behind(1);
    const poll = watching(follower, '/k');
    follower.recover(leader.save());
    await settle();
    expect(poll.events).toEqual([]);
    expect(follower.watcherCount).toBe(1);
    put(follower, '/k', { val: 'later' });
    expect(poll.events.map((ev) => ev.node.value)).toEqual(['later']);
  });

  it('a watcher whose next event left the history is dropped and told 401, as a new watch there would be', () => {
    const { follower, leader } = behind(10, 3);
    const cleared: string[] = [];
    follower.watch('/k', {}, () => {}, (err) => cleared.push(JSON.stringify(err.toJSON())));
    follower.recover(leader.save());
    expect(cleared).toEqual([
      '{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [9/2]","index":11}',
    ]);
    expect(follower.watcherCount).toBe(0);
  });

  it('refuses a snapshot behind the store: the index never goes back', () => {
    const { follower, leader } = behind(2);
    const old = follower.save();
    follower.recover(leader.save());
    expect(() => follower.recover(old)).toThrow(/behind the store/);
    expect(follower.index).toBe(3);
  });
});
