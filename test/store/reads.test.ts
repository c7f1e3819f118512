import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { body, errorBody, get, put } from './support.js';

/** /s/b, /s/a/x (TTL 300), /s/_h (hidden), /s/e (empty directory): etcd's answers below are for this tree. */
function sampleTree(): Store {
  const s = new Store();
  put(s, '/s/b', { val: '1' });
  put(s, '/s/a/x', { val: '2', ttl: 300 });
  put(s, '/s/_h', { val: '3' });
  put(s, '/s/e', { dir: true });
  return s;
}

describe('get', () => {
  it('of a directory lists its visible children one level deep', () => {
    expect(body(get(sampleTree(), '/s', { sorted: true }))).toBe(
      '{"action":"get","node":{"key":"/s","dir":true,"nodes":[{"key":"/s/a","dir":true,"modifiedIndex":2,"createdIndex":2},{"key":"/s/b","value":"1","modifiedIndex":1,"createdIndex":1},{"key":"/s/e","dir":true,"modifiedIndex":4,"createdIndex":4}],"modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('recursive lists whole subtrees, TTLs included', () => {
    expect(body(get(sampleTree(), '/s', { recursive: true, sorted: true }))).toBe(
      '{"action":"get","node":{"key":"/s","dir":true,"nodes":[{"key":"/s/a","dir":true,"nodes":[{"key":"/s/a/x","value":"2","expiration":"2026-11-22T05:25:00Z","ttl":300,"modifiedIndex":2,"createdIndex":2}],"modifiedIndex":2,"createdIndex":2},{"key":"/s/b","value":"1","modifiedIndex":1,"createdIndex":1},{"key":"/s/e","dir":true,"modifiedIndex":4,"createdIndex":4}],"modifiedIndex":1,"createdIndex":1}}',
    );
  });

  it('of an empty directory has no nodes field, recursive or not', () => {
    const s = sampleTree();
    const emptyDir = '{"action":"get","node":{"key":"/s/e","dir":true,"modifiedIndex":4,"createdIndex":4}}';
    expect(body(get(s, '/s/e'))).toBe(emptyDir);
    expect(body(get(s, '/s/e', { recursive: true }))).toBe(emptyDir);
  });

  it('of a file ignores recursive', () => {
    expect(body(get(sampleTree(), '/s/b', { recursive: true }))).toBe('{"action":"get","node":{"key":"/s/b","value":"1","modifiedIndex":1,"createdIndex":1}}');
  });

  it('reads a hidden key when asked for it directly', () => {
    expect(body(get(sampleTree(), '/s/_h'))).toBe('{"action":"get","node":{"key":"/s/_h","value":"3","modifiedIndex":3,"createdIndex":3}}');
  });

  it('through a file answers 104 naming the file', () => {
    expect(errorBody(() => get(sampleTree(), '/s/b/c'))).toBe('{"errorCode":104,"message":"Not a directory","cause":"/s/b","index":4}');
  });

  it('of a missing key names the first missing component', () => {
    expect(errorBody(() => get(sampleTree(), '/s/q/r'))).toBe('{"errorCode":100,"message":"Key not found","cause":"/s/q","index":4}');
  });

  it('of the root shows it without key or indexes, and its hidden children not at all', () => {
    const s = new Store();
    expect(body(get(s, '/'))).toBe('{"action":"get","node":{"dir":true}}');
    put(s, '/_top', { val: '1' });
    expect(body(get(s, '/', { recursive: true }))).toBe('{"action":"get","node":{"dir":true}}');
    put(s, '/a', { val: '1' });
    expect(body(get(s, '/'))).toBe('{"action":"get","node":{"dir":true,"nodes":[{"key":"/a","value":"1","modifiedIndex":2,"createdIndex":2}]}}');
  });

  it('carries the store index as etcdIndex', () => {
    expect(get(sampleTree(), '/s/b').etcdIndex).toBe(4);
  });

  it('sorted orders keys by UTF-8 bytes as Go does, not by UTF-16 units', () => {
    const s = new Store();
    for (const name of ['\u{1F600}', '\uFF5E', 'b', 'a']) put(s, `/u/${name}`, { val: name });
    expect(get(s, '/u', { sorted: true }).node.nodes!.map((n) => n.value)).toEqual(['a', 'b', '\uFF5E', '\u{1F600}']);
  });

  it('unsorted lists children in the order they were made, a replaced file moving to the end', () => {
    const s = new Store();
    for (const name of ['c', 'a', 'b']) put(s, `/o/${name}`, { val: name });
    put(s, '/o/c', { val: 'again' });
    put(s, '/o/a', { val: 'updated', prevExist: true });
    expect(get(s, '/o').node.nodes!.map((n) => n.key)).toEqual(['/o/a', '/o/b', '/o/c']);
  });
});
