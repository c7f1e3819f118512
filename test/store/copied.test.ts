// raftkv migrate's store side: a key space copied from a recursive GET and then kept up by
// replaying what a recursive watch of the source sees ends identical to the source — indexes,
// expirations, in-order keys — even when the source's index moves under writes no watch shows
// (hidden keys, membership), and its watchers and history answer as the source's would.
import { describe, expect, it } from 'vitest';
import { refreshed } from '../../bin/migrate-refreshes.js';
import { Store } from '../../src/store/store.js';
import type { CopiedEvent, CopiedNodeJSON } from '../../src/store/copied-node.js';
import type { NodeJSON, StoreEvent } from '../../src/store/types.js';
import { T0, del, errorBody, get, post, put } from './support.js';

/** A recursive listing flattened parents first, as `raftkv migrate` sends it. */
function flatten(nodes: NodeJSON[] | undefined, out: CopiedNodeJSON[] = []): CopiedNodeJSON[] {
  for (const { nodes: children, ...n } of nodes ?? []) {
    out.push(n as CopiedNodeJSON);
    flatten(children, out);
  }
  return out;
}

const listing = (s: Store): StoreEvent => get(s, '/', { recursive: true, sorted: true });

/** The source's recursive watch of / (what etcd's answers to raftkv migrate carry). */
function watchAll(source: Store): CopiedEvent[] {
  const seen: CopiedEvent[] = [];
  source.watch('/', { recursive: true, stream: true }, (ev) => seen.push({ action: ev.action, node: ev.node, prevNode: ev.prevNode } as CopiedEvent));
  return seen;
}

function sourceWithHistory(): Store {
  const s = new Store();
  for (let i = 0; i < 5; i++) s.recordInternal('create', `/0/members/${i}`);
  put(s, '/a/b', { val: '1' });
  put(s, '/dir', { dir: true, ttl: 100 });
  put(s, '/dir/x', { val: 'x', ttl: 30 });
  post(s, '/queue', { val: 'first' });
  post(s, '/queue', { val: 'second' });
  put(s, '/_hidden', { val: 'h' });
  put(s, '/a/b', { val: '2', prevValue: '1' });
  return s;
}

describe('a key space carried over from another etcd', () => {
  it('copies, then replays events across hidden writes, to the same listing, index and watch answers', async () => {
    const source = sourceWithHistory();
    const target = new Store();
    for (let i = 0; i < 3; i++) target.recordInternal('create', `/0/members/${i}`);
    target.copyNodes(flatten(listing(source).node.nodes));
    target.copiedThrough(source.index);
    expect(listing(target)).toEqual(listing(source));

    const events = watchAll(source);
    put(source, '/a/c', { val: 'new' });
    source.recordInternal('set', '/0/version');
    put(source, '/_hidden', { val: 'again' });
    put(source, '/dir', { dir: true, ttl: 200, prevExist: true });
    del(source, '/queue', { recursive: true });
    put(source, '/a/b', { val: '3', prevIndex: listing(source).node.nodes![0]!.nodes![0]!.modifiedIndex! });
    del(source, '/a/c', { prevValue: 'new' });
    source.expireKeys(T0 + 31_000);
    post(source, '/queue', { val: 'third' });
    for (const ev of events) target.replay(ev);
    for (const ev of events) target.replay(ev); // applied twice (a step committed twice): no change

    expect(target.index).toBe(source.index);
    expect(listing(target)).toEqual(listing(source));
    const at = events[3]!.node.modifiedIndex; // the /a/b compare-and-swap
    const fromHistory = (s: Store): Promise<StoreEvent> => new Promise((resolve) => s.watch('/a', { recursive: true, sinceIndex: at - 1 }, resolve));
    expect(await fromHistory(target)).toEqual(await fromHistory(source));
    // Before the copy, the target holds no history: a watch from there re-reads, as after a snapshot.
    expect(errorBody(() => target.watch('/', { sinceIndex: 3 }, () => {}))).toMatch(/"errorCode":401/);
  });

  it('restarts the history when the copy is whole, so a watch from before it is told to re-read', () => {
    const target = new Store();
    put(target, '/old', { val: 'v' });
    const cleared: unknown[] = [];
    target.watch('/', { recursive: true }, () => {}, (err) => cleared.push(err));
    target.clearKeys();
    target.copiedThrough(50);
    expect(cleared).toHaveLength(1);
    expect(target.index).toBe(50);
    expect(listing(target).node).toEqual({ dir: true });
  });

  it('refreshes no watch showed are caught up at the cut-over: expirations and indexes as the source lists them', () => {
    const source = sourceWithHistory();
    const target = new Store();
    target.copyNodes(flatten(listing(source).node.nodes));
    target.copiedThrough(source.index);
    const events = watchAll(source);
    put(source, '/dir/x', { ttl: 600, refresh: true, prevExist: true });
    put(source, '/dir', { dir: true, ttl: 900, refresh: true, prevExist: true });
    put(source, '/a/b', { val: 'after' });
    for (const ev of events) target.replay(ev);
    expect(events).toHaveLength(1); // the refreshes woke no watcher
    expect(listing(target)).not.toEqual(listing(source));

    const stale = refreshed(flatten(listing(source).node.nodes), flatten(listing(target).node.nodes), source.index);
    expect(stale.map((n) => n.key)).toEqual(['/dir', '/dir/x']);
    target.retime(source.index, stale);
    target.retime(source.index, stale); // committed twice: no change
    expect(listing(target)).toEqual(listing(source));
    // A node etcd made anew under the same key (another createdIndex) is not the one raftkv holds.
    target.retime(source.index, [{ ...stale[1]!, createdIndex: 1, expiration: undefined }]);
    expect(listing(target)).toEqual(listing(source));
  });

  it('a gap longer than the history leaves only its last indexes, as the source holds them', () => {
    const target = new Store({ historySize: 10 });
    target.skipTo(5000);
    expect(target.index).toBe(5000);
    expect(errorBody(() => target.watch('/', { sinceIndex: 4990 }, () => {}))).toMatch(/"errorCode":401/);
    expect(() => target.watch('/', { sinceIndex: 4991 }, () => {})).not.toThrow();
  });
});
