import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { T0, body, errorBody, get, put } from './support.js';

describe('a key with a TTL', () => {
  it('shows its expiration (RFC 3339, trailing zeros trimmed) and whole seconds left, rounded up', () => {
    const s = new Store();
    put(s, '/t', { val: 'v', ttl: 5 }, T0 + 120);
    expect(get(s, '/t', {}, T0 + 120).node).toMatchObject({ expiration: '2026-11-22T05:20:05.12Z', ttl: 5 });
    expect(get(s, '/t', {}, T0 + 420).node.ttl).toBe(5);
    expect(get(s, '/t', {}, T0 + 4120).node.ttl).toBe(1);
    expect(get(s, '/t', {}, T0 + 5119).node.ttl).toBe(1);
  });

  it('shows no ttl once its time is up, and a negative one past that until a SYNC removes it', () => {
    const s = new Store();
    put(s, '/t', { val: 'v', ttl: 5 });
    expect(body(get(s, '/t', {}, T0 + 5000))).toBe(
      '{"action":"get","node":{"key":"/t","value":"v","expiration":"2026-11-22T05:20:05Z","modifiedIndex":1,"createdIndex":1}}',
    );
    expect(get(s, '/t', {}, T0 + 6500).node.ttl).toBe(-1);
  });

  it('with ttl=0 has an expiration but no ttl, and goes at the next SYNC', () => {
    const s = new Store();
    expect(body(put(s, '/z', { val: 'q', ttl: 0 }, T0 + 610))).toBe(
      '{"action":"set","node":{"key":"/z","value":"q","expiration":"2026-11-22T05:20:00.61Z","modifiedIndex":1,"createdIndex":1}}',
    );
    expect(s.nextExpiration()).toBe(T0 + 610);
    expect(s.expireKeys(T0 + 610).map(body)).toEqual([
      '{"action":"expire","node":{"key":"/z","modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/z","value":"q","expiration":"2026-11-22T05:20:00.61Z","modifiedIndex":1,"createdIndex":1}}',
    ]);
    expect(errorBody(() => get(s, '/z'))).toBe('{"errorCode":100,"message":"Key not found","cause":"/z","index":2}');
  });

  it('becomes permanent again when set, updated or swapped without a ttl', () => {
    const s = new Store();
    put(s, '/a', { val: '1', ttl: 5 });
    expect(put(s, '/a', { val: '2' }).node.expiration).toBeUndefined();
    put(s, '/b', { val: '1', ttl: 5 });
    expect(put(s, '/b', { val: '2', prevExist: true }).node.expiration).toBeUndefined();
    put(s, '/c', { val: '1', ttl: 5 });
    expect(put(s, '/c', { val: '2', prevValue: '1' }).node.expiration).toBeUndefined();
    expect(s.nextExpiration()).toBeUndefined();
    expect(s.expireKeys(T0 + 60_000)).toEqual([]);
  });

  it('is not touched by a SYNC before its expiration', () => {
    const s = new Store();
    put(s, '/a', { val: '1', ttl: 5 });
    expect(s.expireKeys(T0 + 4999)).toEqual([]);
    expect(s.expireKeys(T0 + 5000)).toHaveLength(1);
  });

  it('is permanent when its expiration falls before 2000, as etcd assumes a serialization accident', () => {
    const s = new Store();
    expect(put(s, '/old', { val: '1', ttl: 5 }, Date.UTC(1999, 0, 1)).node.expiration).toBeUndefined();
    expect(s.nextExpiration()).toBeUndefined();
  });
});

describe('refresh', () => {
  it('through update resets the TTL and keeps the value and the node', () => {
    const s = new Store();
    put(s, '/r', { val: 'v', ttl: 100 });
    const ev = put(s, '/r', { ttl: 50, refresh: true, prevExist: true }, T0 + 15);
    expect(body(ev)).toBe(
      '{"action":"update","node":{"key":"/r","value":"v","expiration":"2026-11-22T05:20:50.015Z","ttl":50,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/r","value":"v","expiration":"2026-11-22T05:21:40Z","ttl":100,"modifiedIndex":1,"createdIndex":1}}',
    );
    expect(ev.refresh).toBe(true);
  });

  it('through a plain set keeps the value but makes a new node', () => {
    const s = new Store();
    put(s, '/r', { val: 'v', ttl: 100 });
    expect(body(put(s, '/r', { ttl: 20, refresh: true }))).toBe(
      '{"action":"set","node":{"key":"/r","value":"v","expiration":"2026-11-22T05:20:20Z","ttl":20,"modifiedIndex":2,"createdIndex":2},"prevNode":{"key":"/r","value":"v","expiration":"2026-11-22T05:21:40Z","ttl":100,"modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('through compareAndSwap keeps the value', () => {
    const s = new Store();
    put(s, '/s/b', { val: '1', ttl: 50 });
    expect(body(put(s, '/s/b', { ttl: 60, prevIndex: 1, refresh: true }, T0 + 3000))).toBe(
      '{"action":"compareAndSwap","node":{"key":"/s/b","value":"1","expiration":"2026-11-22T05:21:03Z","ttl":60,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/s/b","value":"1","expiration":"2026-11-22T05:20:50Z","ttl":47,"modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('of a missing key answers 100, except with prevExist=false, which creates an empty key', () => {
    const s = new Store();
    expect(errorBody(() => put(s, '/newr2', { ttl: 60, refresh: true }))).toBe('{"errorCode":100,"message":"Key not found","cause":"/newr2","index":0}');
    expect(errorBody(() => put(s, '/newr2', { ttl: 60, refresh: true, prevExist: true }))).toBe(
      '{"errorCode":100,"message":"Key not found","cause":"/newr2","index":0}',
    );
    expect(body(put(s, '/newr', { ttl: 60, refresh: true, prevExist: false }))).toBe(
      '{"action":"create","node":{"key":"/newr","value":"","expiration":"2026-11-22T05:21:00Z","ttl":60,"modifiedIndex":1,"createdIndex":1}}',
    );
    expect(errorBody(() => put(s, '/newr', { ttl: 60, refresh: true, prevExist: false }))).toBe(
      '{"errorCode":105,"message":"Key already exists","cause":"/newr","index":1}',
    );
  });
});

describe('a directory with a TTL', () => {
  it('reports a new index when its TTL is updated but keeps its own modifiedIndex', () => {
    const s = new Store();
    expect(body(put(s, '/d', { dir: true, ttl: 100 }))).toBe(
      '{"action":"set","node":{"key":"/d","dir":true,"expiration":"2026-11-22T05:21:40Z","ttl":100,"modifiedIndex":1,"createdIndex":1}}',
    );
    expect(body(put(s, '/d', { dir: true, ttl: 200, prevExist: true }))).toBe(
      '{"action":"update","node":{"key":"/d","dir":true,"expiration":"2026-11-22T05:23:20Z","ttl":200,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/d","dir":true,"expiration":"2026-11-22T05:21:40Z","ttl":100,"modifiedIndex":1,"createdIndex":1}}',
    );
    expect(body(get(s, '/d'))).toBe('{"action":"get","node":{"key":"/d","dir":true,"expiration":"2026-11-22T05:23:20Z","ttl":200,"modifiedIndex":1,"createdIndex":1}}');
    expect(body(put(s, '/d', { prevExist: true }))).toBe(
      '{"action":"update","node":{"key":"/d","dir":true,"modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/d","dir":true,"expiration":"2026-11-22T05:23:20Z","ttl":200,"modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('expires with everything in it, as one expire event', () => {
    const s = new Store();
    put(s, '/ed', { dir: true, ttl: 1 });
    put(s, '/ed/c', { val: '1' });
    put(s, '/ed/t', { val: '1', ttl: 10 });
    expect(s.expireKeys(T0 + 1200).map(body)).toEqual([
      '{"action":"expire","node":{"key":"/ed","dir":true,"modifiedIndex":4,"createdIndex":1},"prevNode":{"key":"/ed","dir":true,"expiration":"2026-11-22T05:20:01Z","modifiedIndex":1,"createdIndex":1}}',
    ]);
    expect(s.nextExpiration()).toBeUndefined();
    expect(s.stats().expireCount).toBe(1);
  });
});

describe('expiry order', () => {
  it('expires the earliest first and, at the same instant, the older node first', () => {
    const s = new Store();
    put(s, '/late', { val: '1', ttl: 3 });
    put(s, '/b', { val: '1', ttl: 2 });
    put(s, '/a', { val: '1', ttl: 2 });
    expect(s.nextExpiration()).toBe(T0 + 2000);
    expect(s.expireKeys(T0 + 5000).map((ev) => `${ev.node.key}@${ev.etcdIndex}`)).toEqual(['/b@4', '/a@5', '/late@6']);
  });
});
