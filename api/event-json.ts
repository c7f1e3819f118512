// A store event as etcd's v2 API writes it (Go's v2store.Event and NodeExtern). Every node field
// is `omitempty` in Go, so an empty key (the root's), a zero index, a zero ttl and an empty
// `nodes` list are left out whatever the store hands us.
import type { NodeJSON, StoreEvent } from '../src/store/types.js';
import { goJSON } from './go-json.js';

/** The actions whose node etcd leaves out under noValueOnSuccess. */
const WRITE_ACTIONS = new Set(['set', 'compareAndSwap', 'create', 'update']);

function nodeExtern(node: NodeJSON): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // etcd keeps keys under "/1" and trims that prefix, so its root prints as "" and is omitted.
  if (node.key !== '' && node.key !== '/') out.key = node.key;
  if (node.value !== undefined) out.value = node.value;
  if (node.dir) out.dir = true;
  if (node.expiration !== undefined) out.expiration = node.expiration;
  if (node.ttl) out.ttl = node.ttl;
  if (node.nodes && node.nodes.length > 0) out.nodes = node.nodes.map(nodeExtern);
  if (node.modifiedIndex) out.modifiedIndex = node.modifiedIndex;
  if (node.createdIndex) out.createdIndex = node.createdIndex;
  return out;
}

/** The event's JSON line, as Go's json.Encoder writes it (with the trailing newline). */
export function encodeEvent(ev: StoreEvent, noValueOnSuccess = false): string {
  const out: Record<string, unknown> = { action: ev.action };
  if (!(noValueOnSuccess && WRITE_ACTIONS.has(ev.action))) {
    out.node = nodeExtern(ev.node);
    if (ev.prevNode) out.prevNode = nodeExtern(ev.prevNode);
  }
  return goJSON(out) + '\n';
}

/** etcd answers 201 Created when a write made the node: a create, or a set with no previous node. */
export function createdNode(ev: StoreEvent): boolean {
  return ev.action === 'create' || (ev.action === 'set' && ev.prevNode === undefined);
}
