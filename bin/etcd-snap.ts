// An etcd member's v2 snapshot (member/snap/<term>-<index>.snap): a snappb.Snapshot whose data is
// a raftpb.Snapshot whose data is the v2 store as its Save() writes it, JSON of the whole tree.
import { readFileSync } from 'node:fs';
import { decode } from './etcd-proto.js';

/** A node of etcd's v2store JSON: a directory has Children (maybe empty), a file null. */
export interface EtcdStoreNode {
  Path: string;
  CreatedIndex: number;
  ModifiedIndex: number;
  /** RFC 3339; Go's zero time (year 1) when permanent. */
  ExpireTime: string;
  Value: string;
  Children: Record<string, EtcdStoreNode> | null;
}

export interface EtcdSnapshot {
  /** The raft index it was taken at: the WAL's entries after it are to be applied. */
  raftIndex: number;
  root: EtcdStoreNode;
  /** The v2 store's index (X-Etcd-Index). */
  storeIndex: number;
}

export function readSnapshot(file: string): EtcdSnapshot {
  const raft = decode.raftSnapshot(decode.snapFile(readFileSync(file)).data ?? new Uint8Array());
  const store = JSON.parse(Buffer.from(raft.data ?? []).toString('utf8')) as { Root?: EtcdStoreNode; CurrentIndex?: number };
  if (store.Root?.Path !== '/' || typeof store.CurrentIndex !== 'number') throw new Error(`${file} does not hold an etcd v2 store`);
  return { raftIndex: raft.metadata?.index ?? 0, root: store.Root, storeIndex: store.CurrentIndex };
}
