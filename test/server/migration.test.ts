// The replicated steps of raftkv migrate refuse what would lose data or move the index back,
// and each may commit twice without effect.
import { describe, expect, it } from 'vitest';
import { Migration } from '../../src/server/migration.js';
import type { MigrateOp } from '../../src/server/migration.js';
import { Store } from '../../src/store/store.js';
import type { EtcdError } from '../../src/store/types.js';

/** The cause of the refusal `step` throws (etcd's error 300). */
function refusal(step: () => unknown): string {
  try {
    step();
  } catch (err) {
    return (err as EtcdError).cause;
  }
  return 'not refused';
}

const node = (key: string, index: number) => ({ key, value: key, modifiedIndex: index, createdIndex: index });

describe('migration steps', () => {
  it('refuse a cluster holding keys (unless forced) or past the source index', () => {
    const store = new Store();
    store.apply({ method: 'PUT', path: '/mine', val: 'x', time: 0 });
    expect(refusal(() => new Migration().apply(store, { op: 'begin', session: 's', sourceIndex: 10, force: false }))).toMatch(/already holds keys/);
    expect(refusal(() => new Migration().apply(store, { op: 'begin', session: 's', sourceIndex: 0, force: true }))).toMatch(/past etcd's 0/);
    const m = new Migration();
    m.apply(store, { op: 'begin', session: 's', sourceIndex: 10, force: true });
    expect(store.hasKeys).toBe(false);
  });

  it('apply a batch, the copied index and events once however often they commit', () => {
    const store = new Store();
    const m = new Migration();
    const steps: MigrateOp[] = [
      { op: 'begin', session: 's', sourceIndex: 20, force: false },
      { op: 'nodes', session: 's', batch: 0, nodes: [node('/a', 5)] },
      { op: 'copied', session: 's', index: 20 },
      { op: 'events', session: 's', events: [{ action: 'set', node: node('/b', 22) }] },
    ];
    for (const step of steps) {
      m.apply(store, step);
      m.apply(store, step);
    }
    expect(store.index).toBe(22);
    expect(m.active).toBe(true);
    expect(refusal(() => m.apply(store, { op: 'events', session: 'other', events: [] }))).toMatch(/another migration/);
    m.apply(store, { op: 'finish', session: 's', index: 30 });
    expect([store.index, m.active]).toEqual([30, false]);
    expect(store.get('/', { recursive: true, sorted: true }, 0).node.nodes?.map((n) => n.key)).toEqual(['/a', '/b']);
  });
});
