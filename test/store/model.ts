// A reference model of the etcd v2 key space, written to be obviously right rather than fast:
// a flat Map from path to entry, every question answered by scanning it. It restates etcd's
// rules (dispatch, errors, stats, TTLs, hidden keys) without sharing code with src/store.
import type { NodeJSON, StoreEvent, V2Request } from '../../src/store/types.js';

interface Entry {
  dir: boolean;
  value: string;
  createdIndex: number;
  modifiedIndex: number;
  /** ms; 0 = permanent */
  expireTime: number;
}

export class ModelError extends Error {
  constructor(
    readonly errorCode: number,
    override readonly cause: string,
    readonly index: number,
  ) {
    super(`${errorCode} ${cause}`);
  }
}

type Counter =
  | 'getsSuccess' | 'getsFail' | 'setsSuccess' | 'setsFail' | 'deleteSuccess' | 'deleteFail'
  | 'updateSuccess' | 'updateFail' | 'createSuccess' | 'createFail' | 'compareAndSwapSuccess'
  | 'compareAndSwapFail' | 'compareAndDeleteSuccess' | 'compareAndDeleteFail' | 'expireCount';

const ROOT: Entry = { dir: true, value: '', createdIndex: 0, modifiedIndex: 0, expireTime: 0 };
const YEAR_2000 = 946684800000;

export class Model {
  /** Insertion order matters: it is the order a directory lists its children in. */
  readonly entries = new Map<string, Entry>();
  index = 0;
  readonly stats: Record<Counter, number> = {
    getsSuccess: 0, getsFail: 0, setsSuccess: 0, setsFail: 0, deleteSuccess: 0, deleteFail: 0,
    updateSuccess: 0, updateFail: 0, createSuccess: 0, createFail: 0, compareAndSwapSuccess: 0,
    compareAndSwapFail: 0, compareAndDeleteSuccess: 0, compareAndDeleteFail: 0, expireCount: 0,
  };

  apply(req: V2Request): StoreEvent {
    const now = req.time;
    const key = cleanKey(req.path);
    const val = req.val ?? '';
    const prevValue = req.prevValue ?? '';
    const prevIndex = req.prevIndex ?? 0;
    const expire = req.ttl === undefined ? 0 : now + req.ttl * 1000;
    const refresh = req.refresh === true;
    if (req.method === 'GET') return this.get(key, req.recursive === true, req.sorted === true, now);
    if (req.method === 'POST') return this.counting('create', () => this.create(cleanKey(key + '/' + String(this.index + 1).padStart(20, '0')), req.dir === true, val, expire, false, 'create', now));
    if (req.method === 'DELETE') {
      if (prevIndex > 0 || prevValue !== '') return this.counting('compareAndDelete', () => this.compareAndDelete(key, prevValue, prevIndex, now));
      return this.counting('delete', () => this.delete(key, req.dir === true || req.recursive === true, req.recursive === true, now));
    }
    if (req.prevExist === false) return this.counting('create', () => this.create(key, req.dir === true, val, expire, false, 'create', now));
    if (prevIndex > 0 || prevValue !== '') return this.counting('compareAndSwap', () => this.compareAndSwap(key, prevValue, prevIndex, val, expire, refresh, now));
    if (req.prevExist === true) return this.counting('update', () => this.update(key, val, expire, refresh, now));
    return this.counting('sets', () => this.set(key, req.dir === true, val, expire, refresh, now));
  }

  get(key: string, recursive: boolean, sorted: boolean, now: number): StoreEvent {
    return this.counting('gets', () => {
      const e = this.find(key);
      const node = key === '/' ? rootView(this.list('/', recursive, sorted, now)) : this.view(key, e, now, true, recursive, sorted);
      return { action: 'get', node, etcdIndex: this.index };
    });
  }

  expireKeys(now: number): StoreEvent[] {
    const events: StoreEvent[] = [];
    for (;;) {
      const due = [...this.entries].filter(([, e]) => e.expireTime !== 0 && e.expireTime <= now);
      if (due.length === 0) return events;
      due.sort(([ka, a], [kb, b]) => a.expireTime - b.expireTime || a.createdIndex - b.createdIndex || (ka < kb ? -1 : 1));
      const [key, e] = due[0]!;
      this.index++;
      const prevNode = this.view(key, e, now, false, false, false);
      this.removeTree(key);
      this.stats.expireCount++;
      events.push({ action: 'expire', node: bare(key, e, this.index), prevNode, etcdIndex: this.index });
    }
  }

  clone(): Model {
    const copy = new Model();
    copy.index = this.index;
    Object.assign(copy.stats, this.stats);
    for (const [k, e] of this.entries) copy.entries.set(k, { ...e });
    return copy;
  }

  /** Every node, as a recursive sorted GET of "/" shows it plus hidden ones: for comparing final states. */
  dump(): string[] {
    return [...this.entries.keys()].sort().map((k) => {
      const e = this.entries.get(k)!;
      return `${k} ${e.dir ? 'dir' : JSON.stringify(e.value)} c${e.createdIndex} m${e.modifiedIndex} x${e.expireTime}`;
    });
  }

  // ---- operations ----

  private set(key: string, dir: boolean, val: string, expire: number, refresh: boolean, now: number): StoreEvent {
    let existing: Entry | undefined;
    try {
      existing = this.find(key);
    } catch (err) {
      if (refresh || (err as ModelError).errorCode !== 100) throw err;
    }
    const ev = this.create(key, dir, refresh ? existing!.value : val, expire, true, 'set', now);
    return refresh ? { ...ev, refresh: true } : ev;
  }

  private create(key: string, dir: boolean, val: string, expire: number, replace: boolean, action: 'set' | 'create', now: number): StoreEvent {
    if (key === '/') throw this.fail(107, '/');
    const next = this.index + 1;
    const expireTime = expire < YEAR_2000 ? 0 : expire;
    // Walk down the parents: a file in the way stops it (and etcd counts a failed set too).
    const parts = key.split('/').slice(1, -1);
    let path = '';
    for (const part of parts) {
      path += '/' + part;
      const e = this.entries.get(path);
      if (e && !e.dir) {
        this.stats.setsFail++;
        throw this.fail(104, path);
      }
    }
    path = '';
    for (const part of parts) {
      path += '/' + part;
      if (!this.entries.has(path)) this.entries.set(path, { dir: true, value: '', createdIndex: next, modifiedIndex: next, expireTime: 0 });
    }
    const old = this.entries.get(key);
    let prevNode: NodeJSON | undefined;
    if (old) {
      if (!replace) throw this.fail(105, key);
      if (old.dir) throw this.fail(102, key);
      prevNode = this.view(key, old, now, false, false, false);
      this.entries.delete(key);
    }
    const e: Entry = { dir, value: dir ? '' : val, createdIndex: next, modifiedIndex: next, expireTime };
    this.entries.set(key, e);
    this.index = next;
    const node = this.view(key, e, now, false, false, false);
    return prevNode ? { action, node, prevNode, etcdIndex: next } : { action, node, etcdIndex: next };
  }

  private update(key: string, val: string, expire: number, refresh: boolean, now: number): StoreEvent {
    if (key === '/') throw this.fail(107, '/', true);
    const e = this.find(key);
    if (e.dir && val !== '') throw this.fail(102, key, true);
    const prevNode = this.view(key, e, now, false, false, false);
    this.index++;
    if (!e.dir) {
      e.value = refresh ? e.value : val;
      e.modifiedIndex = this.index;
    }
    e.expireTime = expire;
    const node = this.view(key, { ...e, modifiedIndex: this.index }, now, false, false, false);
    const ev: StoreEvent = { action: 'update', node, prevNode, etcdIndex: this.index };
    return refresh ? { ...ev, refresh: true } : ev;
  }

  private compareAndSwap(key: string, prevValue: string, prevIndex: number, val: string, expire: number, refresh: boolean, now: number): StoreEvent {
    if (key === '/') throw this.fail(107, '/', true);
    const e = this.find(key);
    if (e.dir) throw this.fail(102, key);
    const cause = compareCause(e, prevValue, prevIndex);
    if (cause) throw this.fail(101, cause);
    const prevNode = this.view(key, e, now, false, false, false);
    this.index++;
    e.value = refresh ? e.value : val;
    e.modifiedIndex = this.index;
    e.expireTime = expire;
    const ev: StoreEvent = { action: 'compareAndSwap', node: this.view(key, e, now, false, false, false), prevNode, etcdIndex: this.index };
    return refresh ? { ...ev, refresh: true } : ev;
  }

  private delete(key: string, dir: boolean, recursive: boolean, now: number): StoreEvent {
    if (key === '/') throw this.fail(107, '/', true);
    const e = this.find(key);
    if (e.dir && !dir) throw this.fail(102, key);
    if (e.dir && !recursive && this.childrenOf(key).length > 0) throw this.fail(108, key);
    const prevNode = this.view(key, e, now, false, false, false);
    this.index++;
    this.removeTree(key);
    return { action: 'delete', node: bare(key, e, this.index), prevNode, etcdIndex: this.index };
  }

  private compareAndDelete(key: string, prevValue: string, prevIndex: number, now: number): StoreEvent {
    const e = this.find(key);
    if (e.dir) throw this.fail(102, key === '/' ? '' : key, true);
    const cause = compareCause(e, prevValue, prevIndex);
    if (cause) throw this.fail(101, cause, true);
    const prevNode = this.view(key, e, now, false, false, false);
    this.index++;
    this.entries.delete(key);
    return { action: 'compareAndDelete', node: bare(key, e, this.index), prevNode, etcdIndex: this.index };
  }

  // ---- helpers ----

  private find(key: string): Entry {
    if (key === '/') return ROOT;
    let path = '';
    for (const part of key.slice(1).split('/')) {
      const parent = path === '' ? ROOT : this.entries.get(path)!;
      if (!parent.dir) throw this.fail(104, path);
      path += '/' + part;
      if (!this.entries.has(path)) throw this.fail(100, path);
    }
    return this.entries.get(key)!;
  }

  private childrenOf(dir: string): string[] {
    return [...this.entries.keys()].filter((k) => parentOf(k) === dir);
  }

  private removeTree(key: string): void {
    for (const k of [...this.entries.keys()]) if (k === key || k.startsWith(key + '/')) this.entries.delete(k);
  }

  private list(dir: string, recursive: boolean, sorted: boolean, now: number): NodeJSON[] {
    const keys = this.childrenOf(dir).filter((k) => !k.slice(k.lastIndexOf('/') + 1).startsWith('_'));
    if (sorted) keys.sort();
    return keys.map((k) => this.view(k, this.entries.get(k)!, now, recursive, recursive, sorted));
  }

  private view(key: string, e: Entry, now: number, withChildren: boolean, recursive: boolean, sorted: boolean): NodeJSON {
    const node: NodeJSON = { key };
    if (e.dir) node.dir = true;
    else node.value = e.value;
    if (e.expireTime !== 0) {
      node.expiration = rfc3339Nano(e.expireTime);
      const left = e.expireTime - now;
      let ttl = Math.trunc(left / 1000);
      if (left % 1000 > 0) ttl++;
      if (ttl !== 0) node.ttl = ttl;
    }
    if (e.dir && withChildren) {
      const nodes = this.list(key, recursive, sorted, now);
      if (nodes.length > 0) node.nodes = nodes;
    }
    node.modifiedIndex = e.modifiedIndex;
    node.createdIndex = e.createdIndex;
    return node;
  }

  private counting(op: string, run: () => StoreEvent): StoreEvent {
    try {
      const ev = run();
      this.stats[`${op}Success` as Counter]++;
      return ev;
    } catch (err) {
      const quirk = err instanceof ModelError && (err as ModelError & { countsAsSuccess?: boolean }).countsAsSuccess;
      this.stats[`${op}${quirk ? 'Success' : 'Fail'}` as Counter]++;
      throw err;
    }
  }

  /** `countsAsSuccess`: one of the errors etcd's stats count as a success. */
  private fail(code: number, cause: string, countsAsSuccess = false): ModelError {
    return Object.assign(new ModelError(code, cause, this.index), { countsAsSuccess });
  }
}

/** Go's path.Clean of "/" + p. */
export function cleanKey(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '' && part !== '.') out.push(part);
  }
  return '/' + out.join('/');
}

function parentOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/')) || '/';
}

function compareCause(e: Entry, prevValue: string, prevIndex: number): string {
  const badValue = prevValue !== '' && prevValue !== e.value;
  const badIndex = prevIndex !== 0 && prevIndex !== e.modifiedIndex;
  const v = `[${prevValue} != ${e.value}]`;
  const i = `[${prevIndex} != ${e.modifiedIndex}]`;
  if (badValue && badIndex) return `${v} ${i}`;
  return badValue ? v : badIndex ? i : '';
}

function bare(key: string, e: Entry, index: number): NodeJSON {
  return e.dir ? { key, dir: true, modifiedIndex: index, createdIndex: e.createdIndex } : { key, modifiedIndex: index, createdIndex: e.createdIndex };
}

function rootView(nodes: NodeJSON[]): NodeJSON {
  return nodes.length > 0 ? { dir: true, nodes } : { dir: true };
}

function rfc3339Nano(ms: number): string {
  const whole = new Date(ms - (ms % 1000)).toISOString().slice(0, 19);
  let fraction = String(ms % 1000).padStart(3, '0');
  while (fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return fraction === '' ? `${whole}Z` : `${whole}.${fraction}Z`;
}
