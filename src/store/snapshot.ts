// The store's whole replicated state as msgpack bytes. The tree is written as a flat pre-order
// list (no nesting, so no depth limit) in each directory's own child order, so a restored
// store lists, deletes and saves exactly as the original did.
import { Packr } from 'msgpackr';
import { KeyTree } from './key-tree.js';
import { packLargeArraySteps, packMap, PackedParts } from './packed-parts.js';
import type { Steps } from './packed-parts.js';
import { TreeNode } from './tree-node.js';
import type { StoreEvent } from './types.js';

const FORMAT_VERSION = 1;
/** Per node: parent ordinal (root 0, others from 1 in pre-order), name, createdIndex, modifiedIndex, expireTime, value (null for a directory). */
const FIELDS_PER_NODE = 6;

type FlatTree = (string | number | null)[];

interface SnapshotData {
  version: number;
  index: number;
  tree: FlatTree;
  history: StoreEvent[];
  stats: number[];
}

export interface StoreState {
  index: number;
  tree: KeyTree;
  history: StoreEvent[];
  stats: number[];
}

const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * The state's msgpack bytes, as pieces a caller embeds in a larger value or joins, made in steps
 * (finishSteps() has them now). The state is copied before this returns: the tree flattened into
 * plain values, the history and stats arrays copied (events are frozen). So the store may change
 * while the steps run, and packing 100k keys and more never holds the event loop for long.
 */
export function encodeSnapshotSteps(state: StoreState): Steps<PackedParts> {
  return packCopiedState(state.index, flatten(state.tree.root), [...state.history], [...state.stats]);
}

function* packCopiedState(index: number, tree: FlatTree, history: StoreEvent[], stats: number[]): Steps<PackedParts> {
  const packedTree = yield* packLargeArraySteps(packr, tree);
  return packMap(packr, [
    ['version', FORMAT_VERSION],
    ['index', index],
    ['tree', packedTree],
    ['history', history],
    ['stats', stats],
  ] satisfies [keyof SnapshotData, unknown][]);
}

export function decodeSnapshot(bytes: Uint8Array): StoreState {
  const data = packr.unpack(bytes) as SnapshotData;
  if (data.version !== FORMAT_VERSION) throw new Error(`unknown store snapshot version ${data.version}`);
  return { index: data.index, tree: unflatten(data.tree), history: data.history, stats: data.stats };
}

function flatten(root: TreeNode): FlatTree {
  const out: FlatTree = [];
  const pending: { node: TreeNode; parentOrdinal: number }[] = [];
  const pushChildren = (dir: TreeNode, ordinal: number): void => {
    const children = [...dir.children!.values()];
    for (let i = children.length - 1; i >= 0; i--) pending.push({ node: children[i]!, parentOrdinal: ordinal });
  };
  pushChildren(root, 0);
  let ordinal = 0;
  while (pending.length > 0) {
    const { node, parentOrdinal } = pending.pop()!;
    ordinal++;
    out.push(parentOrdinal, node.name, node.createdIndex, node.modifiedIndex, node.expireTime, node.isDir ? null : node.value);
    if (node.isDir) pushChildren(node, ordinal);
  }
  return out;
}

function unflatten(flat: FlatTree): KeyTree {
  const tree = new KeyTree();
  const byOrdinal: TreeNode[] = [tree.root];
  for (let i = 0; i < flat.length; i += FIELDS_PER_NODE) {
    const parent = byOrdinal[flat[i] as number]!;
    const name = flat[i + 1] as string;
    const value = flat[i + 5] as string | null;
    const node = new TreeNode(
      name,
      parent,
      flat[i + 2] as number,
      flat[i + 3] as number,
      flat[i + 4] as number,
      value ?? '',
      value === null ? new Map() : undefined,
    );
    tree.attach(node);
    byOrdinal.push(node);
  }
  return tree;
}
