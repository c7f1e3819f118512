import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { EtcdError } from '../../src/store/types.js';
import { body, del, errorBody, get, post, put } from './support.js';

describe('set', () => {
  it('creates a key, and a second set replaces it with a new node (createdIndex moves)', () => {
    const s = new Store();
    expect(body(put(s, '/h/_x', { val: '1' }))).toBe('{"action":"set","node":{"key":"/h/_x","value":"1","modifiedIndex":1,"createdIndex":1}}');
    expect(body(put(s, '/h/_x', { val: '2' }))).toBe(
      '{"action":"set","node":{"key":"/h/_x","value":"2","modifiedIndex":2,"createdIndex":2},"prevNode":{"key":"/h/_x","value":"1","modifiedIndex":1,"createdIndex":1}}',
    );
    expect(s.index).toBe(2);
  });

  it('makes missing parent directories, born at the index of the write', () => {
    const s = new Store();
    put(s, '/s/b', { val: '1' });
    put(s, '/s/a/x', { val: '2' });
    expect(body(get(s, '/s', { sorted: true }))).toBe(
      '{"action":"get","node":{"key":"/s","dir":true,"nodes":[{"key":"/s/a","dir":true,"modifiedIndex":2,"createdIndex":2},{"key":"/s/b","value":"1","modifiedIndex":1,"createdIndex":1}],"modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('with dir=true makes a directory and replaces a file, but not a directory (102)', () => {
    const s = new Store();
    expect(body(put(s, '/s/e', { dir: true }))).toBe('{"action":"set","node":{"key":"/s/e","dir":true,"modifiedIndex":1,"createdIndex":1}}');
    expect(errorBody(() => put(s, '/s/e', { dir: true }))).toBe('{"errorCode":102,"message":"Not a file","cause":"/s/e","index":1}');
    put(s, '/f', { val: 'v' });
    expect(body(put(s, '/f', { dir: true }))).toBe(
      '{"action":"set","node":{"key":"/f","dir":true,"modifiedIndex":3,"createdIndex":3},"prevNode":{"key":"/f","value":"v","modifiedIndex":2,"createdIndex":2}}',
    );
  });

  it('of a value over a directory answers 102 naming it', () => {
    const s = new Store();
    put(s, '/s/e', { dir: true });
    expect(errorBody(() => put(s, '/s', { val: 'x' }))).toBe('{"errorCode":102,"message":"Not a file","cause":"/s","index":1}');
  });

  it('below a file answers 104 naming the file', () => {
    const s = new Store();
    put(s, '/a', { val: '1' });
    expect(errorBody(() => put(s, '/a/b', { val: '1' }))).toBe('{"errorCode":104,"message":"Not a directory","cause":"/a","index":1}');
  });

  it('cleans the key like Go path.Clean', () => {
    const s = new Store();
    expect(put(s, 'a//b/', { val: '1' }).node.key).toBe('/a/b');
    expect(put(s, '/a/./c/../b', { val: '2' }).node.key).toBe('/a/b');
  });
});

describe('create (prevExist=false) and POST', () => {
  it('creates a new key with action create', () => {
    const s = new Store();
    expect(body(put(s, '/x', { val: '1', prevExist: false }))).toBe('{"action":"create","node":{"key":"/x","value":"1","modifiedIndex":1,"createdIndex":1}}');
  });

  it('refuses an existing file or directory with 105', () => {
    const s = new Store();
    put(s, '/s/b', { val: '1' });
    expect(errorBody(() => put(s, '/s', { dir: true, prevExist: false }))).toBe('{"errorCode":105,"message":"Key already exists","cause":"/s","index":1}');
    expect(errorBody(() => put(s, '/s/b', { val: '2', prevExist: false }))).toBe('{"errorCode":105,"message":"Key already exists","cause":"/s/b","index":1}');
  });

  it('below a file answers 104', () => {
    const s = new Store();
    put(s, '/x', { val: '1', prevExist: false });
    expect(errorBody(() => put(s, '/x/y', { val: '1', prevExist: false }))).toBe('{"errorCode":104,"message":"Not a directory","cause":"/x","index":1}');
    expect(errorBody(() => post(s, '/x', { val: '1' }))).toBe('{"errorCode":104,"message":"Not a directory","cause":"/x","index":1}');
  });

  it('POST names the new key by its index, zero-padded to 20 digits, for files, TTL keys and directories', () => {
    const s = new Store();
    for (let i = 0; i < 19; i++) put(s, '/pad', { val: String(i) });
    expect(body(post(s, '/q', { val: 'a' }))).toBe(
      '{"action":"create","node":{"key":"/q/00000000000000000020","value":"a","modifiedIndex":20,"createdIndex":20}}',
    );
    expect(body(post(s, '/q', { val: 'b', ttl: 5 }))).toBe(
      '{"action":"create","node":{"key":"/q/00000000000000000021","value":"b","expiration":"2026-11-22T05:20:05Z","ttl":5,"modifiedIndex":21,"createdIndex":21}}',
    );
    expect(body(post(s, '/q', { dir: true }))).toBe('{"action":"create","node":{"key":"/q/00000000000000000022","dir":true,"modifiedIndex":22,"createdIndex":22}}');
  });

  it('POST to the root creates directly under it', () => {
    const s = new Store();
    expect(post(s, '/', { val: 'a' }).node.key).toBe('/00000000000000000001');
  });
});

describe('update (prevExist=true)', () => {
  it('keeps the node (createdIndex) and reports the previous one', () => {
    const s = new Store();
    put(s, '/s/b', { val: '1' });
    expect(body(put(s, '/s/b', { prevExist: true, dir: true }))).toBe(
      '{"action":"update","node":{"key":"/s/b","value":"","modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/s/b","value":"1","modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('of a missing key answers 100', () => {
    const s = new Store();
    expect(errorBody(() => put(s, '/nope', { val: '1', prevExist: true }))).toBe('{"errorCode":100,"message":"Key not found","cause":"/nope","index":0}');
  });

  it('cannot give a directory a value (102), but without one it is a TTL update', () => {
    const s = new Store();
    put(s, '/d', { dir: true });
    expect(errorBody(() => put(s, '/d', { val: 'x', prevExist: true }))).toBe('{"errorCode":102,"message":"Not a file","cause":"/d","index":1}');
    expect(body(put(s, '/d', { prevExist: true }))).toBe(
      '{"action":"update","node":{"key":"/d","dir":true,"modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1}}',
    );
  });
});

describe('compareAndSwap', () => {
  it('swaps on a matching value, index or both, keeping createdIndex', () => {
    const s = new Store();
    put(s, '/k', { val: 'a', ttl: 100 });
    expect(body(put(s, '/k', { val: 'b', prevValue: 'a' }))).toBe(
      '{"action":"compareAndSwap","node":{"key":"/k","value":"b","modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/k","value":"a","expiration":"2026-11-22T05:21:40Z","ttl":100,"modifiedIndex":1,"createdIndex":1}}',
    );
    expect(body(put(s, '/k', { val: 'c', prevValue: 'b', prevExist: true, ttl: 9 }))).toBe(
      '{"action":"compareAndSwap","node":{"key":"/k","value":"c","expiration":"2026-11-22T05:20:09Z","ttl":9,"modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/k","value":"b","modifiedIndex":2,"createdIndex":1}}',
    );
    expect(put(s, '/k', { val: 'd', prevValue: 'c', prevIndex: 3 }).node.value).toBe('d');
  });

  it('names what did not match in the cause (101)', () => {
    const s = new Store();
    put(s, '/k', { val: 'a' });
    expect(errorBody(() => put(s, '/k', { val: 'b', prevValue: 'x', prevIndex: 7 }))).toBe(
      '{"errorCode":101,"message":"Compare failed","cause":"[x != a] [7 != 1]","index":1}',
    );
    expect(errorBody(() => put(s, '/k', { val: 'b', prevIndex: 7 }))).toBe('{"errorCode":101,"message":"Compare failed","cause":"[7 != 1]","index":1}');
    expect(errorBody(() => put(s, '/k', { val: 'b', prevValue: 'x' }))).toBe('{"errorCode":101,"message":"Compare failed","cause":"[x != a]","index":1}');
  });

  it('fails with an answer, not a fault: the error carries no stack frames, and the limit is left as it was', () => {
    const s = new Store();
    put(s, '/k', { val: 'a' });
    const limit = Error.stackTraceLimit;
    let thrown: unknown;
    try {
      put(s, '/k', { val: 'b', prevIndex: 7 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EtcdError);
    expect((thrown as EtcdError).stack).toBe('EtcdError: Compare failed');
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('of a directory answers 102, of a missing key 100', () => {
    const s = new Store();
    put(s, '/s/b', { val: '1' });
    expect(errorBody(() => put(s, '/s', { val: 'c', prevValue: 'b' }))).toBe('{"errorCode":102,"message":"Not a file","cause":"/s","index":1}');
    expect(errorBody(() => put(s, '/nokey', { val: 'c', prevValue: 'b' }))).toBe('{"errorCode":100,"message":"Key not found","cause":"/nokey","index":1}');
  });
});

describe('delete', () => {
  it('removes a file, even with dir=true', () => {
    const s = new Store();
    put(s, '/c', { val: '1' });
    expect(body(del(s, '/c', { dir: true }))).toBe(
      '{"action":"delete","node":{"key":"/c","modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/c","value":"1","modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('needs dir=true for an empty directory (else 102) and recursive for a full one (else 108)', () => {
    const s = new Store();
    put(s, '/d', { dir: true });
    put(s, '/e/f', { val: '1' });
    expect(errorBody(() => del(s, '/d'))).toBe('{"errorCode":102,"message":"Not a file","cause":"/d","index":2}');
    expect(body(del(s, '/d', { dir: true }))).toBe(
      '{"action":"delete","node":{"key":"/d","dir":true,"modifiedIndex":3,"createdIndex":1},"prevNode":{"key":"/d","dir":true,"modifiedIndex":1,"createdIndex":1}}',
    );
    expect(errorBody(() => del(s, '/e', { dir: true }))).toBe('{"errorCode":108,"message":"Directory not empty","cause":"/e","index":3}');
    expect(body(del(s, '/e', { recursive: true }))).toBe(
      '{"action":"delete","node":{"key":"/e","dir":true,"modifiedIndex":4,"createdIndex":2},"prevNode":{"key":"/e","dir":true,"modifiedIndex":2,"createdIndex":2}}',
    );
    expect(errorBody(() => get(s, '/e/f'))).toBe('{"errorCode":100,"message":"Key not found","cause":"/e","index":4}');
  });

  it('of a missing key names the first missing component (100)', () => {
    const s = new Store();
    put(s, '/r', { dir: true });
    expect(errorBody(() => del(s, '/nope/x'))).toBe('{"errorCode":100,"message":"Key not found","cause":"/nope","index":1}');
    expect(errorBody(() => del(s, '/r/x'))).toBe('{"errorCode":100,"message":"Key not found","cause":"/r/x","index":1}');
  });
});

describe('compareAndDelete', () => {
  it('deletes on a match and answers 101 otherwise', () => {
    const s = new Store();
    put(s, '/c', { val: '1' });
    expect(errorBody(() => del(s, '/c', { prevValue: '2' }))).toBe('{"errorCode":101,"message":"Compare failed","cause":"[2 != 1]","index":1}');
    expect(errorBody(() => del(s, '/c', { prevIndex: 9, prevValue: '1' }))).toBe('{"errorCode":101,"message":"Compare failed","cause":"[9 != 1]","index":1}');
    expect(body(del(s, '/c', { prevValue: '1' }))).toBe(
      '{"action":"compareAndDelete","node":{"key":"/c","modifiedIndex":2,"createdIndex":1},"prevNode":{"key":"/c","value":"1","modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('of a directory answers 102 naming it', () => {
    const s = new Store();
    put(s, '/d', { dir: true });
    expect(errorBody(() => del(s, '/d', { prevIndex: 3 }))).toBe('{"errorCode":102,"message":"Not a file","cause":"/d","index":1}');
  });
});

describe('the root', () => {
  it('is read only (107) to set, mkdir, create, update, compareAndSwap and delete', () => {
    const s = new Store();
    const rootReadOnly = '{"errorCode":107,"message":"Root is read only","cause":"/","index":0}';
    expect(errorBody(() => put(s, '/', { val: '1' }))).toBe(rootReadOnly);
    expect(errorBody(() => put(s, '/', { dir: true }))).toBe(rootReadOnly);
    expect(errorBody(() => put(s, '/', { val: '1', prevExist: false }))).toBe(rootReadOnly);
    expect(errorBody(() => put(s, '/', { val: '1', prevExist: true }))).toBe(rootReadOnly);
    expect(errorBody(() => put(s, '/', { val: '1', prevValue: '3' }))).toBe(rootReadOnly);
    expect(errorBody(() => del(s, '/', { recursive: true }))).toBe(rootReadOnly);
  });

  it('answers compareAndDelete with 102 and no cause', () => {
    const s = new Store();
    expect(errorBody(() => del(s, '/', { prevIndex: 3 }))).toBe('{"errorCode":102,"message":"Not a file","index":0}');
  });

  it('advances the index only on successful writes', () => {
    const s = new Store();
    put(s, '/a', { val: '1' });
    expect(() => put(s, '/a/b', { val: '1' })).toThrow();
    expect(() => del(s, '/zz')).toThrow();
    expect(s.index).toBe(1);
    expect(put(s, '/b', { val: '1' }).etcdIndex).toBe(2);
  });
});

describe('apply', () => {
  it('serves a GET carried through the log as a read', () => {
    const s = new Store();
    put(s, '/a', { val: '1' });
    expect(body(s.apply({ method: 'GET', path: '/a', time: 0 }))).toBe('{"action":"get","node":{"key":"/a","value":"1","modifiedIndex":1,"createdIndex":1}}');
  });

  it('refuses a SYNC, which is applied with expireKeys', () => {
    expect(() => new Store().apply({ method: 'SYNC', path: '/', time: 0 })).toThrow(/expireKeys/);
  });

  it('hands out events nobody can change, since history and watchers share them', () => {
    const ev = put(new Store(), '/a', { val: '1' });
    expect(Object.isFrozen(ev) && Object.isFrozen(ev.node)).toBe(true);
  });
});
