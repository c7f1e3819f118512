// The frames peers exchange, and the checks that turn a decoded value into one of them.
// A dialer opens with Hello; the listener answers Welcome or Refuse. A stream connection then
// carries Msgs and snapshot frames one way and SnapAck back; a request connection carries one
// Req and one Resp.
import type { Message } from '../../raft/index.js';
import { FrameError } from './frame-codec.js';

export const PROTOCOL_VERSION = 1;

/** The refusal a member removed from the cluster gets when it dials a member that applied its removal. */
export const REMOVED_MEMBER_REFUSAL = 'the member has been permanently removed from the cluster';

export type Purpose = 'stream' | 'request';

export interface Hello {
  t: 'hello';
  v: number;
  purpose: Purpose;
  clusterId: string;
  from: string;
  /** The member the dialer means to reach; '' when a request does not know it. */
  to: string;
}
export interface Welcome {
  t: 'welcome';
}
export interface Refuse {
  t: 'refuse';
  reason: string;
}
export interface Msgs {
  t: 'msgs';
  msgs: Message[];
}
/** Opens a snapshot stream: the Snap message with its data left out, and the data's size. */
export interface SnapBegin {
  t: 'snap';
  sid: number;
  total: number;
  msg: Message;
}
export interface SnapChunk {
  t: 'chunk';
  sid: number;
  offset: number;
  data: Uint8Array;
}
/** The receiver holds `received` bytes of snapshot `sid`; when it equals the total, the Snap was delivered. */
export interface SnapAck {
  t: 'snap-ack';
  sid: number;
  received: number;
}
export interface Req {
  t: 'req';
  kind: string;
  body: unknown;
}
export type Resp = { t: 'resp'; ok: true; body: unknown } | { t: 'resp'; ok: false; error: string };

export type Frame = Hello | Welcome | Refuse | Msgs | SnapBegin | SnapChunk | SnapAck | Req | Resp;

/** Checks the shape of a decoded frame once, at the edge; the rest of the transport trusts it. */
export function parseFrame(value: unknown): Frame {
  if (!isRecord(value)) throw new FrameError('frame is not a map');
  switch (value.t) {
    case 'hello':
      if (value.purpose !== 'stream' && value.purpose !== 'request') break;
      if (isNum(value.v) && isStr(value.clusterId) && isStr(value.from) && isStr(value.to)) return value as unknown as Hello;
      break;
    case 'welcome':
      return { t: 'welcome' };
    case 'refuse':
      if (isStr(value.reason)) return value as unknown as Refuse;
      break;
    case 'msgs':
      if (Array.isArray(value.msgs) && value.msgs.every(isMessage)) return value as unknown as Msgs;
      break;
    case 'snap':
      if (isNum(value.sid) && isNum(value.total) && isMessage(value.msg) && isRecord(value.msg.snapshot)) {
        if (isRecord(value.msg.snapshot.metadata)) return value as unknown as SnapBegin;
      }
      break;
    case 'chunk':
      if (isNum(value.sid) && isNum(value.offset) && value.data instanceof Uint8Array) return value as unknown as SnapChunk;
      break;
    case 'snap-ack':
      if (isNum(value.sid) && isNum(value.received)) return value as unknown as SnapAck;
      break;
    case 'req':
      if (isStr(value.kind)) return value as unknown as Req;
      break;
    case 'resp':
      if (value.ok === true || (value.ok === false && isStr(value.error))) return value as unknown as Resp;
      break;
  }
  throw new FrameError(`malformed frame ${JSON.stringify(String(value.t)).slice(0, 40)}`);
}

function isMessage(value: unknown): value is Message {
  if (!isRecord(value)) return false;
  return (
    isNum(value.type) &&
    isStr(value.to) &&
    isStr(value.from) &&
    isNum(value.term) &&
    isNum(value.logTerm) &&
    isNum(value.index) &&
    isNum(value.commit) &&
    isNum(value.rejectHint) &&
    typeof value.reject === 'boolean' &&
    Array.isArray(value.entries) &&
    value.entries.every(isEntry)
  );
}

function isEntry(value: unknown): boolean {
  return isRecord(value) && isNum(value.term) && isNum(value.index) && isNum(value.type) && value.data instanceof Uint8Array;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStr(value: unknown): value is string {
  return typeof value === 'string';
}

function isNum(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
