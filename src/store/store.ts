// The etcd v2 key space as a deterministic state machine: every member applies the same
// requests in the same order and ends byte-identical. Time comes only from the requests.
// The operations follow etcd's v2store one for one, including which of its errors its
// statistics count as successes.
import { EventHistory } from './event-history.js';
import { KeyTree } from './key-tree.js';
import { describeForGet, describeNode, nodeJSON } from './node-view.js';
import { canonicalNode, placeNode, retimeNode } from './copied-node.js';
import type { CopiedEvent, CopiedNodeJSON } from './copied-node.js';
import { cleanPath } from './path.js';
import { decodeSnapshot, encodeSnapshotSteps } from './snapshot.js';
import { finishSteps } from './packed-parts.js';
import type { PackedParts, Steps } from './packed-parts.js';
import { StoreStats } from './store-stats.js';
import type { Operation, StoreStatsJSON } from './store-stats.js';
import { TreeNode } from './tree-node.js';
import { WatcherHub, answeredWatcher } from './watcher-hub.js';
import type { ClearedCallback, EventCallback, StoreWatcher } from './watcher-hub.js';
import { ErrorCode, EtcdError } from './types.js';
import type { Action, NodeJSON, StoreEvent, V2Request } from './types.js';

export type { StoreWatcher } from './watcher-hub.js';

export interface StoreOptions {
  /** Events kept for watches that start in the past (default 1000, as etcd). */
  historySize?: number;
  /** Told of each operation as etcd's v2store reports it to its metrics. */
  observer?: StoreObserver;
}

/** etcd's v2store metric reports: a read or write by action (failed ones too), an expiry, a watch. */
export interface StoreObserver {
  operation(action: string): void;
  expired(): void;
  watchRequested(): void;
}

/** The action label etcd reports each operation under. */
const ACTIONS: Record<Exclude<Operation, 'gets'>, string> = {
  sets: 'set', create: 'create', update: 'update', compareAndSwap: 'compareAndSwap', delete: 'delete', compareAndDelete: 'compareAndDelete',
};

export interface GetOptions {
  recursive?: boolean;
  sorted?: boolean;
}

export interface WatchOptions {
  recursive?: boolean;
  stream?: boolean;
  /** First index of interest; 0 or absent: the next event. */
  sinceIndex?: number;
}

const DEFAULT_HISTORY_SIZE = 1000;
/** etcd treats an expiry before 2000-01-01 as no expiry at all when creating a node. */
const MIN_EXPIRE_TIME = Date.UTC(2000, 0, 1);

/**
 * etcd returns these errors without setting the variable its deferred stats update looks at,
 * so they count as successes: a write to "/" through update, compareAndSwap or delete; an
 * update giving a directory a value; compareAndDelete on a directory or with a failed compare.
 */
const countedAsSuccess = new WeakSet<EtcdError>();

export class Store {
  private currentIndex = 0;
  private tree = new KeyTree();
  private history: EventHistory;
  private readonly hub = new WatcherHub();
  private counters = new StoreStats();
  private readonly observer?: StoreObserver;

  constructor(opts: StoreOptions = {}) {
    this.history = new EventHistory(opts.historySize ?? DEFAULT_HISTORY_SIZE);
    this.observer = opts.observer;
  }

  /** The store index: the number of successful mutations (X-Etcd-Index). */
  get index(): number {
    return this.currentIndex;
  }

  get watcherCount(): number {
    return this.hub.count;
  }

  /**
   * Applies a replicated v2 request as etcd's apply_v2 dispatches it, answering with the event
   * or throwing EtcdError. A SYNC is not a request with an answer: apply it with expireKeys.
   */
  apply(req: V2Request): StoreEvent {
    const now = req.time;
    const value = req.val ?? '';
    const dir = req.dir === true;
    const prevValue = req.prevValue ?? '';
    const prevIndex = req.prevIndex ?? 0;
    const refresh = req.refresh === true;
    const compares = prevIndex > 0 || prevValue !== '';
    const expireTime = req.ttl == null ? 0 : now + req.ttl * 1000;
    switch (req.method) {
      case 'POST':
        return this.create(req.path, dir, value, true, expireTime, now);
      case 'PUT':
        if (req.prevExist == null) {
          if (compares) return this.compareAndSwap(req.path, prevValue, prevIndex, value, expireTime, refresh, now);
          return this.set(req.path, dir, value, expireTime, refresh, now);
        }
        if (!req.prevExist) return this.create(req.path, dir, value, false, expireTime, now);
        if (compares) return this.compareAndSwap(req.path, prevValue, prevIndex, value, expireTime, refresh, now);
        return this.update(req.path, value, expireTime, refresh, now);
      case 'DELETE':
        if (compares) return this.compareAndDelete(req.path, prevValue, prevIndex, now);
        return this.delete(req.path, dir, req.recursive === true, now);
      case 'GET':
        return this.get(req.path, { recursive: req.recursive, sorted: req.sorted }, now);
      case 'SYNC':
        throw new Error('a SYNC is applied with expireKeys(time)');
    }
  }

  /**
   * A write outside the client key space (auth's under /2 in etcd, membership's under /0): it
   * takes the next index and a slot in the history, as in etcd, and wakes no watcher. The caller
   * decided it succeeds.
   */
  recordInternal(action: 'create' | 'set' | 'update' | 'delete', key: string): void {
    this.currentIndex++;
    this.history.add(Object.freeze({ action, node: Object.freeze({ key }), etcdIndex: this.currentIndex, internal: true }));
  }

  // ---- another etcd's key space carried over (raftkv migrate): its indexes, not new ones ----

  /** Whether any key exists, hidden ones too. */
  get hasKeys(): boolean {
    return this.tree.root.children!.size > 0;
  }

  /** A copy starting over: the key space emptied. The index stays: it never goes back. */
  clearKeys(): void {
    this.tree = new KeyTree();
  }

  /** The node at a clean path, hidden or not (raftkv migrate --from-data-dir walks etcd's whole tree). */
  node(path: string): TreeNode | undefined {
    const found = this.tree.find(path);
    return found instanceof TreeNode ? found : undefined;
  }

  /** Nodes of a recursive GET, parents first, put in as they were: no index taken, no watcher told. */
  copyNodes(nodes: readonly CopiedNodeJSON[]): void {
    for (const n of nodes) placeNode(this.tree, n, false);
  }

  /**
   * The copy is whole at the source's `index` (not below the store's): the index moves there and
   * the history starts over, so a watch from before hears 401 and re-reads, as after a snapshot install.
   */
  copiedThrough(index: number): void {
    const seenThrough = this.currentIndex;
    this.currentIndex = index;
    this.history.restartAt(index);
    this.hub.resume(seenThrough + 1, (key, recursive, since) => this.history.scan(key, recursive, since, this.currentIndex));
  }

  /** Indexes through `index` taken by the source's writes no watch shows (hidden keys, refreshes, membership). */
  skipTo(index: number): void {
    if (index <= this.currentIndex) return;
    this.history.skipTo(index);
    this.currentIndex = index;
  }

  /**
   * An event the source made, applied at its own index (its node's modifiedIndex, as in etcd);
   * one at or below the store's index is applied already. Watchers hear it as the source told it.
   */
  replay(copied: CopiedEvent): void {
    const { action, node } = copied;
    const index = node.modifiedIndex;
    if (index <= this.currentIndex) return;
    this.skipTo(index - 1);
    const prevNode = copied.prevNode === undefined ? undefined : canonicalNode(copied.prevNode);
    const ev = this.event(action, canonicalNode(node), prevNode, index);
    if (action === 'delete' || action === 'compareAndDelete' || action === 'expire') {
      const found = this.tree.find(node.key);
      if (found instanceof TreeNode) this.removeSubtree(found, node.key, ev);
    } else {
      placeNode(this.tree, node, action === 'update');
    }
    this.currentIndex = index;
    this.publish(ev);
    this.hub.deliver();
  }

  /**
   * The source's later view of nodes through `index` (its refreshes): each node still the one it
   * names (same createdIndex) takes its expiration and modifiedIndex. No event, as in the source.
   */
  retime(index: number, nodes: readonly CopiedNodeJSON[]): void {
    this.skipTo(index);
    for (const n of nodes) if (n.modifiedIndex <= index) retimeNode(this.tree, n);
  }

  /** A read: the node (a directory with its children, all of its subtree when recursive). */
  get(path: string, opts: GetOptions, now: number): StoreEvent {
    this.observer?.operation(opts.recursive === true ? 'getRecursive' : 'get');
    return this.counted('gets', () => {
      const key = cleanPath(path);
      const node = this.tree.lookup(key, this.currentIndex);
      const view = describeForGet(node, key, now, opts.recursive === true, opts.sorted === true);
      return { action: 'get', node: view, etcdIndex: this.currentIndex };
    });
  }

  /** Applies a SYNC: every node whose expiration is at or before `now` expires, earliest first. */
  expireKeys(now: number): StoreEvent[] {
    const events: StoreEvent[] = [];
    for (let node = this.tree.expiry.peek(); node !== undefined && node.expireTime <= now; node = this.tree.expiry.peek()) {
      const key = node.path();
      const index = this.currentIndex + 1;
      const ev = this.event('expire', this.bareNode(node, key, index, now), describeNode(node, key, now), index);
      this.currentIndex = index;
      this.removeSubtree(node, key, ev);
      this.counters.recordExpiry();
      this.observer?.expired();
      this.publish(ev);
      events.push(ev);
    }
    this.hub.deliver();
    return events;
  }

  /** The earliest expiration in ms, when the leader should next propose a SYNC. */
  nextExpiration(): number | undefined {
    return this.tree.expiry.peek()?.expireTime;
  }

  /**
   * Watches a key (and its subtree when recursive) from sinceIndex. An event already in the
   * history answers at once (on a microtask, with the current index as etcdIndex); otherwise the
   * watcher waits for the next match. Throws 401 when sinceIndex has left the history.
   */
  watch(path: string, opts: WatchOptions, onEvent: EventCallback, onCleared?: ClearedCallback): StoreWatcher {
    this.observer?.watchRequested();
    const key = cleanPath(path);
    const recursive = opts.recursive === true;
    const sinceIndex = opts.sinceIndex || this.currentIndex + 1;
    const past = this.history.scan(key, recursive, sinceIndex, this.currentIndex);
    if (past !== undefined) return answeredWatcher(Object.freeze({ ...past, etcdIndex: this.currentIndex }), onEvent);
    return this.hub.register(key, recursive, opts.stream === true, sinceIndex, onEvent, onCleared);
  }

  /** The body of /v2/stats/store. */
  stats(): StoreStatsJSON {
    return this.counters.toJSON(this.hub.count);
  }

  /** Tree, TTLs, index, event history and statistics; not the watchers. */
  save(): Uint8Array {
    return this.saveParts().join();
  }

  /** What save() returns, as pieces for a caller that writes them into a larger value. */
  saveParts(): PackedParts {
    return finishSteps(this.saveSteps());
  }

  /** saveParts() as steps: the state is copied now, and the store may change while they run. */
  saveSteps(): Steps<PackedParts> {
    return encodeSnapshotSteps({
      index: this.currentIndex,
      tree: this.tree,
      history: this.history.events(),
      stats: this.counters.values(),
    });
  }

  static restore(data: Uint8Array, opts: StoreOptions = {}): Store {
    const store = new Store(opts);
    store.recover(data);
    return store;
  }

  /**
   * Replaces the replicated state with a snapshot's (a member installing its leader's snapshot)
   * and keeps the watchers, as etcd's store recovery does. Every event up to the old index was
   * matched against them live; each resumes past it: the new history's matching events are
   * delivered, a watcher whose next event has left the history is told so (401), and the rest
   * wait for the next matching write.
   */
  recover(data: Uint8Array): void {
    const state = decodeSnapshot(data);
    if (state.index < this.currentIndex) throw new Error(`store snapshot at index ${state.index} is behind the store (${this.currentIndex})`);
    const seenThrough = this.currentIndex;
    this.currentIndex = state.index;
    this.tree = state.tree;
    this.counters = new StoreStats(state.stats);
    this.history = new EventHistory(this.history.capacity);
    for (const ev of state.history.slice(-this.history.capacity)) this.history.add(freezeEvent(ev));
    this.hub.resume(seenThrough + 1, (key, recursive, since) => this.history.scan(key, recursive, since, this.currentIndex));
  }

  // ---- the operations (etcd's Set, Create, Update, CompareAndSwap, Delete, CompareAndDelete) ----

  private set(path: string, dir: boolean, value: string, expireTime: number, refresh: boolean, now: number): StoreEvent {
    return this.counted('sets', () => {
      const key = cleanPath(path);
      const found = this.tree.find(key);
      if (!(found instanceof TreeNode) && (refresh || found.code !== ErrorCode.KeyNotFound)) throw this.error(found.code, found.cause);
      const newValue = refresh && found instanceof TreeNode ? found.value : value;
      const ev = this.createNode(key, dir, newValue, false, true, expireTime, 'set', now);
      return this.finish(ev, refresh);
    });
  }

  private create(path: string, dir: boolean, value: string, unique: boolean, expireTime: number, now: number): StoreEvent {
    return this.counted('create', () => {
      const ev = this.createNode(path, dir, value, unique, false, expireTime, 'create', now);
      this.publish(ev);
      return ev;
    });
  }

  private update(path: string, value: string, expireTime: number, refresh: boolean, now: number): StoreEvent {
    return this.counted('update', () => {
      const key = cleanPath(path);
      if (key === '/') throw successInStats(this.error(ErrorCode.RootROnly, '/'));
      const node = this.tree.lookup(key, this.currentIndex);
      if (node.isDir && value !== '') throw successInStats(this.error(ErrorCode.NotFile, key));
      const newValue = refresh ? node.value : value;
      const index = this.currentIndex + 1;
      const prevNode = describeNode(node, key, now);
      // A directory has no value to write, so its modifiedIndex stays (only the event's moves).
      if (!node.isDir) {
        node.value = newValue;
        node.modifiedIndex = index;
      }
      this.tree.setExpireTime(node, expireTime);
      const dir = node.isDir;
      const fields = { key, dir, value: dir ? undefined : newValue, expireTime: node.expireTime, modifiedIndex: index, createdIndex: node.createdIndex };
      const ev = this.event('update', nodeJSON(fields, now), prevNode, index);
      this.currentIndex = index;
      return this.finish(ev, refresh);
    });
  }

  private compareAndSwap(
    path: string,
    prevValue: string,
    prevIndex: number,
    value: string,
    expireTime: number,
    refresh: boolean,
    now: number,
  ): StoreEvent {
    return this.counted('compareAndSwap', () => {
      const key = cleanPath(path);
      if (key === '/') throw successInStats(this.error(ErrorCode.RootROnly, '/'));
      const node = this.tree.lookup(key, this.currentIndex);
      if (node.isDir) throw this.error(ErrorCode.NotFile, key);
      const mismatch = compareFailure(node, prevValue, prevIndex);
      if (mismatch !== undefined) throw this.error(ErrorCode.TestFailed, mismatch);
      const newValue = refresh ? node.value : value;
      const index = this.currentIndex + 1;
      const prevNode = describeNode(node, key, now);
      node.value = newValue;
      node.modifiedIndex = index;
      this.tree.setExpireTime(node, expireTime);
      const fields = { key, dir: false, value: newValue, expireTime: node.expireTime, modifiedIndex: index, createdIndex: node.createdIndex };
      const ev = this.event('compareAndSwap', nodeJSON(fields, now), prevNode, index);
      this.currentIndex = index;
      return this.finish(ev, refresh);
    });
  }

  private delete(path: string, dir: boolean, recursive: boolean, now: number): StoreEvent {
    return this.counted('delete', () => {
      const key = cleanPath(path);
      if (key === '/') throw successInStats(this.error(ErrorCode.RootROnly, '/'));
      const node = this.tree.lookup(key, this.currentIndex);
      if (node.isDir) {
        if (!dir && !recursive) throw this.error(ErrorCode.NotFile, key);
        if (node.children!.size > 0 && !recursive) throw this.error(ErrorCode.DirNotEmpty, key);
      }
      const index = this.currentIndex + 1;
      const ev = this.event('delete', this.bareNode(node, key, index, now), describeNode(node, key, now), index);
      this.currentIndex = index;
      this.removeSubtree(node, key, ev);
      this.publish(ev);
      return ev;
    });
  }

  private compareAndDelete(path: string, prevValue: string, prevIndex: number, now: number): StoreEvent {
    return this.counted('compareAndDelete', () => {
      const key = cleanPath(path);
      const node = this.tree.lookup(key, this.currentIndex);
      // etcd names the node in its own namespace, which for the root is trimmed to nothing.
      if (node.isDir) throw successInStats(this.error(ErrorCode.NotFile, key === '/' ? '' : key));
      const mismatch = compareFailure(node, prevValue, prevIndex);
      if (mismatch !== undefined) throw successInStats(this.error(ErrorCode.TestFailed, mismatch));
      const index = this.currentIndex + 1;
      const ev = this.event('compareAndDelete', this.bareNode(node, key, index, now), describeNode(node, key, now), index);
      this.currentIndex = index;
      this.removeSubtree(node, key, ev);
      this.publish(ev);
      return ev;
    });
  }

  /**
   * etcd's internalCreate: makes missing parent directories, then the file or directory;
   * `replace` lets a file (not a directory) be replaced; `unique` names it by its index.
   */
  private createNode(
    path: string,
    dir: boolean,
    value: string,
    unique: boolean,
    replace: boolean,
    expireTime: number,
    action: Action,
    now: number,
  ): StoreEvent {
    const index = this.currentIndex + 1;
    const key = cleanPath(unique ? `${path}/${String(index).padStart(20, '0')}` : path);
    if (key === '/') throw this.error(ErrorCode.RootROnly, '/');
    const expiry = expireTime < MIN_EXPIRE_TIME ? 0 : expireTime;
    const slash = key.lastIndexOf('/');
    let parent: TreeNode;
    try {
      parent = this.tree.ensureDirectory(key.slice(0, slash) || '/', index, this.currentIndex);
    } catch (err) {
      // etcd counts a blocked parent as a failed set whatever the operation, on top of its own count.
      this.counters.record('sets', false);
      throw err;
    }
    const name = key.slice(slash + 1);
    const existing = parent.children!.get(name);
    let prevNode: NodeJSON | undefined;
    if (existing !== undefined) {
      if (!replace) throw this.error(ErrorCode.NodeExist, key);
      if (existing.isDir) throw this.error(ErrorCode.NotFile, key);
      prevNode = describeNode(existing, key, now);
      this.tree.detachFile(existing);
    }
    const node = dir ? TreeNode.directory(name, parent, index, expiry) : TreeNode.file(name, parent, index, expiry, value);
    this.tree.attach(node);
    this.currentIndex = index;
    const fields = { key, dir, value: dir ? undefined : value, expireTime: expiry, modifiedIndex: index, createdIndex: index };
    return this.event(action, nodeJSON(fields, now), prevNode, index);
  }

  // ---- helpers ----

  /** Runs one operation: counts it as etcd does, then hands matched events to the watchers. */
  private counted<T>(op: Operation, run: () => T): T {
    if (op !== 'gets') this.observer?.operation(ACTIONS[op]);
    let result: T;
    try {
      result = run();
    } catch (err) {
      this.counters.record(op, err instanceof EtcdError && countedAsSuccess.has(err));
      throw err;
    }
    this.counters.record(op, true);
    this.hub.deliver();
    return result;
  }

  private error(code: ErrorCode, cause: string): EtcdError {
    return new EtcdError(code, cause, this.currentIndex);
  }

  /** The node of a delete or expire event: key, dir and indexes only. */
  private bareNode(node: TreeNode, key: string, index: number, now: number): NodeJSON {
    const fields = { key, dir: node.isDir, value: undefined, expireTime: 0, modifiedIndex: index, createdIndex: node.createdIndex };
    return nodeJSON(fields, now);
  }

  private event(action: Action, node: NodeJSON, prevNode: NodeJSON | undefined, index: number): StoreEvent {
    const ev: StoreEvent = prevNode === undefined ? { action, node, etcdIndex: index } : { action, node, prevNode, etcdIndex: index };
    return freezeEvent(ev);
  }

  /** Removes a subtree, matching the watchers of every removed path as etcd's delete callback does. */
  private removeSubtree(node: TreeNode, key: string, ev: StoreEvent): void {
    const onRemoved = this.hub.count > 0 ? (path: string) => this.hub.matchAt(ev, path, true) : undefined;
    this.tree.removeSubtree(node, key, onRemoved);
  }

  private publish(ev: StoreEvent): void {
    this.history.add(ev);
    this.hub.matchEvent(ev);
  }

  /** Publishes a write; a refresh instead only takes its place in the history, waking no watcher. */
  private finish(ev: StoreEvent, refresh: boolean): StoreEvent {
    if (!refresh) {
      this.publish(ev);
      return ev;
    }
    const refreshed = Object.freeze({ ...ev, refresh: true });
    this.history.add(refreshed);
    return refreshed;
  }
}

function successInStats(err: EtcdError): EtcdError {
  countedAsSuccess.add(err);
  return err;
}

/** etcd's compare: an empty prevValue or a zero prevIndex is not compared. Returns the failure's cause. */
function compareFailure(node: TreeNode, prevValue: string, prevIndex: number): string | undefined {
  const valueOk = prevValue === '' || node.value === prevValue;
  const indexOk = prevIndex === 0 || node.modifiedIndex === prevIndex;
  if (valueOk && indexOk) return undefined;
  if (valueOk) return `[${prevIndex} != ${node.modifiedIndex}]`;
  if (indexOk) return `[${prevValue} != ${node.value}]`;
  return `[${prevValue} != ${node.value}] [${prevIndex} != ${node.modifiedIndex}]`;
}

/** Events are shared by the history, every watcher and the proposer: nobody may change them. */
function freezeEvent(ev: StoreEvent): StoreEvent {
  Object.freeze(ev.node);
  if (ev.prevNode !== undefined) Object.freeze(ev.prevNode);
  return Object.freeze(ev);
}
