// What goes into a Normal Raft entry: a v2 request from some member, a SYNC carrying the
// leader's clock, a member publishing its name and client URLs (as etcd publishes attributes),
// new peer URLs for a member (PUT /v2/members/<id>; raft's configuration is ids only), a change
// to v2 auth (users, roles, the enabled flag; passwords already hashed), or the leader setting
// the cluster version (as etcd's leader PUTs /0/version), or a step of taking over an etcd's key
// space (raftkv migrate).
import { Packr } from 'msgpackr';
import type { AuthOp } from '../auth/auth-state.js';
import type { V2Request } from '../store/types.js';
import type { MigrateOp } from './migration.js';
import type { LoggedRequestId } from './request-id.js';

/** A command its proposer waits on carries the request's id: only that process answers it, and it applies once. */
export interface RequestCommand extends LoggedRequestId {
  kind: 'v2';
  req: V2Request;
}

export interface SyncCommand {
  kind: 'sync';
  time: number;
}

export interface AttributesCommand extends LoggedRequestId {
  kind: 'attrs';
  memberId: string;
  name: string;
  clientURLs: string[];
}

export interface PeerURLsCommand extends LoggedRequestId {
  kind: 'peer-urls';
  memberId: string;
  peerURLs: string[];
}

export interface AuthCommand extends LoggedRequestId {
  kind: 'auth';
  op: AuthOp;
}

export interface ClusterVersionCommand {
  kind: 'cluster-version';
  version: string;
}

export interface MigrateCommand extends LoggedRequestId {
  kind: 'migrate';
  op: MigrateOp;
}

export type Command = RequestCommand | SyncCommand | AttributesCommand | PeerURLsCommand | AuthCommand | ClusterVersionCommand | MigrateCommand;

/** The commands a member proposes and waits on. */
export type AwaitedCommand = Extract<Command, LoggedRequestId>;

const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * msgpackr packs into one buffer shared by every Packr in the process (peer frames and log records
 * too, which grow it to tens of KiB) and returns a view of it. An entry's data lives as long as
 * raft keeps the entry (up to --snapshot-count entries), so a view would pin a whole shared chunk
 * per few entries: the bytes are copied into a buffer of their own.
 */
export function encodeCommand(cmd: Command): Uint8Array {
  return Uint8Array.prototype.slice.call(packr.pack(cmd));
}

/**
 * msgpackr's native extractor decodes an entry's strings as one string and hands out slices of it,
 * so a stored key and value would pin the whole entry's text (≈240 B per 100 B value, 23 MiB per
 * 100k keys). The strings the store keeps are copied into strings of their own.
 */
export function decodeCommand(data: Uint8Array): Command {
  // msgpackr leaves a DataView (80 B) on the buffer it reads; raft keeps an entry's data until
  // compaction, so it reads a throwaway view of it instead.
  const cmd = packr.unpack(data.subarray()) as Command;
  if (cmd.kind === 'v2') {
    cmd.req.path = ownString(cmd.req.path);
    if (cmd.req.val !== undefined) cmd.req.val = ownString(cmd.req.val);
  }
  return cmd;
}

/** A copy sharing no storage with `s` (a JSON round trip: V8 copies into a flat string, and every character survives it). */
function ownString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
