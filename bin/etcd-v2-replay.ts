// etcd's v2 key space as a stopped member last committed it: its snapshot's tree put into a
// raftkv Store at etcd's indexes, then each committed WAL entry after the snapshot applied as
// etcd's apply_v2 and membership code apply it (raftkv's Store follows etcd's v2store), so failed
// writes take no index and SYNCs expire what etcd expired. Out comes the client key space (etcd's
// /1, hidden keys included; not /0 membership or /2 auth) with etcd's store index.
import type { CopiedNodeJSON } from '../src/store/copied-node.js';
import { Store } from '../src/store/store.js';
import type { TreeNode } from '../src/store/tree-node.js';
import { EtcdError } from '../src/store/types.js';
import type { V2Request } from '../src/store/types.js';
import { decode } from './etcd-proto.js';
import type { Entry, EtcdRequest } from './etcd-proto.js';
import type { EtcdSnapshot, EtcdStoreNode } from './etcd-snap.js';
import type { WalContents } from './etcd-wal.js';

const KEYS_PREFIX = '/1';
/** Go's zero time: no expiration. */
const PERMANENT = '0001-01-01T00:00:00Z';
/** A store before any snapshot: etcd creates /0 and /1 at index 0. */
const EMPTY_ROOT: EtcdStoreNode = {
  Path: '/', CreatedIndex: 0, ModifiedIndex: 0, ExpireTime: PERMANENT, Value: '',
  Children: Object.fromEntries(['/0', '/1'].map((Path) => [Path.slice(1), { Path, CreatedIndex: 0, ModifiedIndex: 0, ExpireTime: PERMANENT, Value: '', Children: {} }])),
};

const ENTRY_NORMAL = 0;
const ENTRY_CONF_CHANGE = 1;
const [ADD_NODE, REMOVE_NODE, UPDATE_NODE, ADD_LEARNER_NODE] = [0, 1, 2, 3];
const WRITES = new Set(['PUT', 'POST', 'DELETE']);
const MEMBER_ATTRIBUTES = /^(\/0\/members\/[0-9a-f]+)\/attributes$/;

export interface KeySpace {
  /** etcd's store index after the last committed entry. */
  index: number;
  /** Every node under etcd's /1 as raftkv's root, parents first. */
  nodes: CopiedNodeJSON[];
  /** Raft entries applied after the snapshot. */
  entries: number;
}

export function replayKeySpace(snapshot: EtcdSnapshot | undefined, wal: WalContents): KeySpace {
  const store = new Store();
  store.copyNodes([...etcdNodes(snapshot?.root ?? EMPTY_ROOT)]);
  store.copiedThrough(snapshot?.storeIndex ?? 0);
  const after = snapshot?.raftIndex ?? 0;
  const committed = wal.entries.filter((e) => (e.index ?? 0) > after && (e.index ?? 0) <= wal.commit);
  if (committed.length > 0 && committed[0]!.index !== after + 1) throw new Error(`the WAL starts at raft index ${committed[0]!.index}, after the snapshot's ${after}: entries are missing`);
  for (const entry of committed) applyEntry(store, entry);
  const keys = store.node(KEYS_PREFIX);
  return { index: store.index, nodes: keys === undefined ? [] : [...copiedNodes(keys, '')], entries: committed.length };
}

/** etcd's JSON tree as copied nodes, parents first, without the root. */
function* etcdNodes(n: EtcdStoreNode): Generator<CopiedNodeJSON> {
  for (const child of Object.values(n.Children ?? {})) {
    const dir = child.Children !== null;
    const expiration = child.ExpireTime === PERMANENT ? undefined : child.ExpireTime;
    yield { key: child.Path, dir: dir || undefined, value: dir ? undefined : child.Value, expiration, createdIndex: child.CreatedIndex, modifiedIndex: child.ModifiedIndex };
    if (dir) yield* etcdNodes(child);
  }
}

/** The store's nodes below `dir` as raftkv's keys (etcd's /1/a is /a), parents first. */
function* copiedNodes(dir: TreeNode, key: string): Generator<CopiedNodeJSON> {
  for (const n of dir.children!.values()) {
    const path = `${key}/${n.name}`;
    const expiration = n.expireTime === 0 ? undefined : new Date(n.expireTime).toISOString();
    yield { key: path, dir: n.isDir || undefined, value: n.isDir ? undefined : n.value, expiration, createdIndex: n.createdIndex, modifiedIndex: n.modifiedIndex };
    if (n.isDir) yield* copiedNodes(n, path);
  }
}

function applyEntry(store: Store, entry: Entry): void {
  if (entry.data === undefined || entry.data.length === 0) return; // a new leader's empty entry
  if (entry.type === ENTRY_NORMAL) {
    const req = v2Request(entry.data);
    if (req?.method === 'SYNC') store.expireKeys(nsToMs(req.time));
    else if (req !== undefined && WRITES.has(req.method ?? '')) applyWrite(store, req);
  } else if (entry.type === ENTRY_CONF_CHANGE) {
    applyConfChange(store, entry.data);
  } else {
    throw new Error(`raft entry ${entry.index} is of type ${entry.type} (a joint-consensus change etcd 3.4 does not make)`);
  }
}

/**
 * A normal entry's v2 request, as etcd's applyEntryNormal finds it: etcd 3.4's v2 API proposes a
 * bare etcdserverpb.Request; an InternalRaftRequest may carry one in its v2 field; other
 * InternalRaftRequests are v3's and leave the v2 store alone. Both start with field 1 then a
 * length-delimited field 2, a method name in a Request, a message in an InternalRaftRequest.
 */
function v2Request(data: Uint8Array): EtcdRequest | undefined {
  const bare = attempt(() => decode.request(data));
  if (bare?.method !== undefined && /^[A-Z]+$/.test(bare.method)) return bare;
  return attempt(() => decode.internalRaftRequest(data))?.v2;
}

function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}

function applyWrite(store: Store, req: EtcdRequest): void {
  const member = MEMBER_ATTRIBUTES.exec(req.path ?? '');
  // etcd records a publish of a member's attributes only while that member is in the cluster.
  if (member !== null && store.node(member[1]!) === undefined) return;
  // etcd's request carries the absolute expiration; raftkv's a TTL from the request's time.
  const expires = (req.expiration ?? 0) !== 0;
  apply(store, {
    method: req.method as V2Request['method'],
    path: req.path ?? '/',
    time: expires ? nsToMs(req.expiration) : nsToMs(req.time),
    ttl: expires ? 0 : undefined,
    val: req.val,
    dir: req.dir,
    prevValue: req.prevValue,
    prevIndex: req.prevIndex,
    prevExist: req.prevExist,
    refresh: req.refresh,
    recursive: req.recursive,
  });
}

/** A membership change writes under /0 as etcd's RaftCluster does (each write takes an index). */
function applyConfChange(store: Store, data: Uint8Array): void {
  const change = decode.confChange(data);
  const member = `/0/members/${BigInt(change.nodeId ?? '0').toString(16)}`;
  const write = (method: 'PUT' | 'DELETE', path: string, more: Partial<V2Request> = {}): void => apply(store, { method, path, time: 0, ...more });
  switch (change.type ?? ADD_NODE) {
    case ADD_NODE:
    case ADD_LEARNER_NODE:
    case UPDATE_NODE:
      return write('PUT', `${member}/raftAttributes`);
    case REMOVE_NODE:
      write('DELETE', member, { dir: true, recursive: true });
      return write('PUT', `/0/removed_members/${member.slice('/0/members/'.length)}`, { prevExist: false });
  }
}

/** Applies a write as etcd did: one it refused (a failed compare, say) changes nothing. */
function apply(store: Store, req: V2Request): void {
  try {
    store.apply(req);
  } catch (err) {
    if (!(err instanceof EtcdError)) throw err;
  }
}

const nsToMs = (ns: number | undefined): number => Math.floor((ns ?? 0) / 1e6);
