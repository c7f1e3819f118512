// A store event as etcd's v2 API writes it (Go's v2store.Event and NodeExtern). Every node field
// is `omitempty` in Go, so an empty key (the root's), a zero index, a zero ttl and an empty
// `nodes` list are left out whatever the store hands us.
import type { NodeJSON, StoreEvent } from '../src/store/types.js';
import { goJSON, goString } from './go-json.js';

/** The actions whose node etcd leaves out under noValueOnSuccess. */
const WRITE_ACTIONS = new Set(['set', 'compareAndSwap', 'create', 'update']);

/** A node as Go writes NodeExtern: fields in its order, each left out when empty. */
function nodeJSON(node: NodeJSON): string {
  let out = '';
  // etcd keeps keys under "/1" and trims that prefix, so its root prints as "" and is omitted.
  if (node.key !== undefined && node.key !== '' && node.key !== '/') out += ',"key":' + goString(node.key);
  if (node.value !== undefined) out += ',"value":' + goString(node.value);
  if (node.dir) out += ',"dir":true';
  if (node.expiration !== undefined) out += ',"expiration":' + goString(node.expiration);
  if (node.ttl) out += ',"ttl":' + goJSON(node.ttl);
  if (node.nodes && node.nodes.length > 0) out += ',"nodes":[' + node.nodes.map(nodeJSON).join(',') + ']';
  if (node.modifiedIndex) out += ',"modifiedIndex":' + goJSON(node.modifiedIndex);
  if (node.createdIndex) out += ',"createdIndex":' + goJSON(node.createdIndex);
  return '{' + out.slice(1) + '}';
}

/**
 * The event's JSON line, as Go's json.Encoder writes it (with the trailing newline). Written
 * field by field rather than through goJSON on a built object: it is every read's and write's
 * answer body.
 */
export function encodeEvent(ev: StoreEvent, noValueOnSuccess = false): string {
  let out = '{"action":' + goString(ev.action);
  if (!(noValueOnSuccess && WRITE_ACTIONS.has(ev.action))) {
    out += ',"node":' + nodeJSON(ev.node);
    if (ev.prevNode) out += ',"prevNode":' + nodeJSON(ev.prevNode);
  }
  return out + '}\n';
}

/** etcd answers 201 Created when a write made the node: a create, or a set with no previous node. */
export function createdNode(ev: StoreEvent): boolean {
  return ev.action === 'create' || (ev.action === 'set' && ev.prevNode === undefined);
}
