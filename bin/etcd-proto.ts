// The few protobuf messages of an etcd 3.4 member's data directory that `raftkv migrate
// --from-data-dir` reads (field numbers as etcd's snappb, raftpb, walpb and etcdserverpb have
// them; only the fields read here), decoded with protobufjs.
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto2";
message SnapFile { optional uint32 crc = 1; optional bytes data = 2; }
message RaftSnapshot { optional bytes data = 1; optional SnapshotMetadata metadata = 2; }
message SnapshotMetadata { optional uint64 index = 2; optional uint64 term = 3; }
message Entry { optional int32 type = 1; optional uint64 term = 2; optional uint64 index = 3; optional bytes data = 4; }
message HardState { optional uint64 term = 1; optional uint64 vote = 2; optional uint64 commit = 3; }
message ConfChange { optional int32 type = 2; optional uint64 nodeId = 3; }
message WalRecord { optional int64 type = 1; optional uint32 crc = 2; optional bytes data = 3; }
message WalSnapshot { optional uint64 index = 1; optional uint64 term = 2; }
message Request {
  optional string method = 2; optional string path = 3; optional string val = 4; optional bool dir = 5;
  optional string prevValue = 6; optional uint64 prevIndex = 7; optional bool prevExist = 8;
  optional int64 expiration = 9; optional bool recursive = 12; optional int64 time = 15; optional bool refresh = 17;
}
message InternalRaftRequest { optional Request v2 = 2; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;

/**
 * A decoder of one message. 64-bit fields become numbers (indexes; nanosecond times, which keep
 * their microseconds), or decimal strings where every bit counts (member ids).
 */
function decoder<T>(name: string, longs: NumberConstructor | StringConstructor = Number): (bytes: Uint8Array) => T {
  const type = root.lookupType(name);
  return (bytes) => type.toObject(type.decode(bytes), { longs, defaults: false }) as T;
}

export interface RaftSnapshot { data?: Uint8Array; metadata?: { index?: number; term?: number } }
export interface Entry { type?: number; term?: number; index?: number; data?: Uint8Array }
export interface HardState { term?: number; commit?: number }
export interface ConfChange { type?: number; nodeId?: string }
export interface WalRecord { type?: number; data?: Uint8Array }
export interface WalSnapshot { index?: number; term?: number }
/** etcd's v2 request as proposed (etcdserverpb.Request): times in ns since the epoch, 0 for none. */
export interface EtcdRequest {
  method?: string;
  path?: string;
  val?: string;
  dir?: boolean;
  prevValue?: string;
  prevIndex?: number;
  /** Absent when not given (a nullable bool in etcd). */
  prevExist?: boolean;
  expiration?: number;
  recursive?: boolean;
  time?: number;
  refresh?: boolean;
}

export const decode = {
  snapFile: decoder<{ crc?: number; data?: Uint8Array }>('SnapFile'),
  raftSnapshot: decoder<RaftSnapshot>('RaftSnapshot'),
  entry: decoder<Entry>('Entry'),
  hardState: decoder<HardState>('HardState'),
  confChange: decoder<ConfChange>('ConfChange', String),
  walRecord: decoder<WalRecord>('WalRecord'),
  walSnapshot: decoder<WalSnapshot>('WalSnapshot'),
  request: decoder<EtcdRequest>('Request'),
  internalRaftRequest: decoder<{ v2?: EtcdRequest }>('InternalRaftRequest'),
};
