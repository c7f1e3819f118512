// Shorthands for driving a Store the way the api would, and for reading its answers as etcd's
// wire JSON. Expected values in the tests were recorded from etcd 3.4.23 (--enable-v2) with
// curl; indexes are renumbered for a fresh store (etcd's own start-up writes take 1..3) and
// expiration times follow the test clock instead of etcd's.
import { expect } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { EtcdError } from '../../src/store/types.js';
import type { StoreEvent, V2Request } from '../../src/store/types.js';

/** 2026-11-22T05:20:00Z: the test clock's origin. */
export const T0 = Date.UTC(2026, 10, 22, 5, 20, 0, 0);

type Fields = Omit<V2Request, 'method' | 'path' | 'time'>;

export function put(store: Store, path: string, fields: Fields = {}, time = T0): StoreEvent {
  return store.apply({ method: 'PUT', path, time, ...fields });
}

export function post(store: Store, path: string, fields: Fields = {}, time = T0): StoreEvent {
  return store.apply({ method: 'POST', path, time, ...fields });
}

export function del(store: Store, path: string, fields: Fields = {}, time = T0): StoreEvent {
  return store.apply({ method: 'DELETE', path, time, ...fields });
}

export function get(store: Store, path: string, opts: { recursive?: boolean; sorted?: boolean } = {}, time = T0): StoreEvent {
  return store.get(path, opts, time);
}

/** The body etcd sends for an event (the api drops etcdIndex and refresh). */
export function body(ev: StoreEvent): string {
  const { etcdIndex: _index, refresh: _refresh, ...wire } = ev;
  return JSON.stringify(wire);
}

/** The error JSON etcd sends for what `run` throws. */
export function errorBody(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(EtcdError);
    return JSON.stringify((err as EtcdError).toJSON());
  }
  throw new Error('expected an EtcdError, nothing was thrown');
}

/** Lets microtasks run (watches answered from history deliver on one). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
