// The body of POST /raftkv/v1/migrate: one step of `raftkv migrate` as JSON, checked here so that
// nothing malformed reaches the log every member applies. Nodes and events are etcd's own JSON.
import type { MigrateOp } from '../src/server/member-service.js';
import type { CopiedEvent, CopiedNodeJSON } from '../src/store/copied-node.js';
import { expirationMs } from '../src/store/copied-node.js';
import { cleanPath } from '../src/store/path.js';
import { ErrorCode, EtcdError } from '../src/store/types.js';

const EVENT_ACTIONS = new Set(['set', 'create', 'update', 'compareAndSwap', 'delete', 'compareAndDelete', 'expire']);

class Invalid extends EtcdError {
  constructor(what: string) {
    super(ErrorCode.InvalidField, `raftkv migrate: ${what}`);
  }
}

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function index(v: unknown, name: string): number {
  if (!isIndex(v)) throw new Invalid(`${name} must be a non-negative integer`);
  return v;
}

function copiedNode(v: unknown): CopiedNodeJSON {
  if (!isObject(v) || typeof v.key !== 'string' || v.key === '/' || cleanPath(v.key) !== v.key) throw new Invalid(`a node needs a clean key other than /: ${JSON.stringify(v)?.slice(0, 200)}`);
  if (!isIndex(v.createdIndex) || !isIndex(v.modifiedIndex) || v.createdIndex === 0) throw new Invalid(`${v.key}: createdIndex and modifiedIndex must be positive integers`);
  if (v.dir !== undefined && v.dir !== true) throw new Invalid(`${v.key}: dir is true or absent`);
  if (v.value !== undefined && (typeof v.value !== 'string' || v.dir)) throw new Invalid(`${v.key}: value is a file's string`);
  if (v.expiration !== undefined && typeof v.expiration !== 'string') throw new Invalid(`${v.key}: expiration is a string`);
  expirationMs(v.expiration);
  // Only what a node is made of goes into the log (not a listing's nested nodes, say).
  const { key, dir, value, expiration, ttl, modifiedIndex, createdIndex } = v;
  return { key, dir, value, expiration, ttl, modifiedIndex, createdIndex } as CopiedNodeJSON;
}

function copiedEvent(v: unknown): CopiedEvent {
  if (!isObject(v) || typeof v.action !== 'string' || !EVENT_ACTIONS.has(v.action)) throw new Invalid(`an event needs one of etcd's write actions: ${JSON.stringify(v)?.slice(0, 200)}`);
  if (v.prevNode !== undefined && !isObject(v.prevNode)) throw new Invalid('prevNode is an object');
  const event = { action: v.action, node: copiedNode(v.node) } as CopiedEvent;
  if (v.prevNode !== undefined) event.prevNode = copiedNode(v.prevNode);
  return event;
}

/** The step the body asks for; throws EtcdError 209 naming what is wrong. */
export function parseMigrateOp(body: string): MigrateOp {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new Invalid('the body is not JSON');
  }
  if (!isObject(v) || typeof v.session !== 'string' || v.session === '') throw new Invalid('a step needs a session');
  const session = v.session;
  switch (v.op) {
    case 'begin':
      return { op: 'begin', session, sourceIndex: index(v.sourceIndex, 'sourceIndex'), force: v.force === true };
    case 'nodes':
      if (!Array.isArray(v.nodes)) throw new Invalid('nodes is a list');
      return { op: 'nodes', session, batch: index(v.batch, 'batch'), nodes: v.nodes.map(copiedNode) };
    case 'copied':
    case 'finish':
      return { op: v.op, session, index: index(v.index, 'index') };
    case 'retimed':
      if (!Array.isArray(v.nodes)) throw new Invalid('nodes is a list');
      return { op: 'retimed', session, index: index(v.index, 'index'), nodes: v.nodes.map(copiedNode) };
    case 'events':
      if (!Array.isArray(v.events)) throw new Invalid('events is a list');
      return { op: 'events', session, events: v.events.map(copiedEvent) };
    default:
      throw new Invalid(`unknown step ${JSON.stringify(v.op)}`);
  }
}
