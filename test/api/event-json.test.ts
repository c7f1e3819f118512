import { describe, expect, it } from 'vitest';
import { createdNode, encodeEvent } from '../../api/event-json.js';
import type { StoreEvent } from '../../src/store/types.js';

const node = { key: '/a', value: 'v', modifiedIndex: 5, createdIndex: 4 };

describe('encodeEvent writes etcd v2 events', () => {
  it('in Go field order with a trailing newline', () => {
    const ev: StoreEvent = { action: 'compareAndSwap', node, prevNode: { ...node, value: 'u', modifiedIndex: 4 }, etcdIndex: 5 };
    expect(encodeEvent(ev)).toBe(
      '{"action":"compareAndSwap","node":{"key":"/a","value":"v","modifiedIndex":5,"createdIndex":4},' +
        '"prevNode":{"key":"/a","value":"u","modifiedIndex":4,"createdIndex":4}}\n',
    );
  });

  it('omits what Go omits when empty: the root key, zero indexes, a zero ttl, an empty child list', () => {
    const root: StoreEvent = { action: 'get', node: { key: '/', dir: true, nodes: [], modifiedIndex: 0, createdIndex: 0 }, etcdIndex: 9 };
    expect(encodeEvent(root)).toBe('{"action":"get","node":{"dir":true}}\n');
    const expired: StoreEvent = { action: 'set', node: { ...node, expiration: '2026-11-22T05:00:00Z', ttl: 0 }, etcdIndex: 5 };
    expect(encodeEvent(expired)).toBe('{"action":"set","node":{"key":"/a","value":"v","expiration":"2026-11-22T05:00:00Z","modifiedIndex":5,"createdIndex":4}}\n');
  });

  it('keeps an empty value and leaves out the refresh mark', () => {
    expect(encodeEvent({ action: 'set', node: { ...node, value: '' }, etcdIndex: 5, refresh: true })).toBe(
      '{"action":"set","node":{"key":"/a","value":"","modifiedIndex":5,"createdIndex":4}}\n',
    );
  });

  it('with noValueOnSuccess leaves the nodes out of writes only', () => {
    expect(encodeEvent({ action: 'update', node, prevNode: node, etcdIndex: 5 }, true)).toBe('{"action":"update"}\n');
    expect(encodeEvent({ action: 'delete', node, prevNode: node, etcdIndex: 5 }, true)).toContain('"prevNode"');
  });
});

describe('createdNode', () => {
  it('is true for a create and for a set without a previous node: etcd answers those 201', () => {
    expect(createdNode({ action: 'create', node, etcdIndex: 5 })).toBe(true);
    expect(createdNode({ action: 'set', node, etcdIndex: 5 })).toBe(true);
    expect(createdNode({ action: 'set', node, prevNode: node, etcdIndex: 5 })).toBe(false);
    expect(createdNode({ action: 'update', node, prevNode: node, etcdIndex: 5 })).toBe(false);
  });
});
