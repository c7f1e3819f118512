// ConfChange <-> entry data. Encoded as a msgpack array [type, nodeId, context].
import { pack, unpack } from 'msgpackr';
import { ConfChangeType } from './types.js';
import type { ConfChange } from './types.js';

const TYPES: ReadonlySet<unknown> = new Set(Object.values(ConfChangeType));

export function encodeConfChange(cc: ConfChange): Uint8Array {
  return pack([cc.type, cc.nodeId, cc.context]);
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  let decoded: unknown;
  try {
    decoded = unpack(data);
  } catch (err) {
    throw new Error(`raft: malformed configuration change: ${String(err)}`);
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) {
    throw new Error('raft: malformed configuration change: expected [type, nodeId, context]');
  }
  const [type, nodeId, context] = decoded as unknown[];
  if (!TYPES.has(type) || typeof nodeId !== 'string' || !(context instanceof Uint8Array)) {
    throw new Error('raft: malformed configuration change: bad field types');
  }
  return { type: type as ConfChangeType, nodeId, context: new Uint8Array(context) };
}
