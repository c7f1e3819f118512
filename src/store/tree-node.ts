// One file or directory of the key space. Kept small (a million of them must fit): the full
// path is not stored but rebuilt from the parent chain when needed, and a node's name is the
// same string its parent's map is keyed by.

export class TreeNode {
  /** Position in the expiry heap, -1 when the node is permanent (not in the heap). */
  heapIndex = -1;

  constructor(
    readonly name: string,
    readonly parent: TreeNode | undefined,
    readonly createdIndex: number,
    public modifiedIndex: number,
    /** ms since the epoch; 0 means permanent. */
    public expireTime: number,
    /** A file's value; '' for a directory (as etcd's node.Value). */
    public value: string,
    /** Present exactly when the node is a directory. */
    readonly children: Map<string, TreeNode> | undefined,
  ) {}

  static directory(name: string, parent: TreeNode | undefined, createdIndex: number, expireTime: number): TreeNode {
    return new TreeNode(name, parent, createdIndex, createdIndex, expireTime, '', new Map());
  }

  static file(name: string, parent: TreeNode, createdIndex: number, expireTime: number, value: string): TreeNode {
    return new TreeNode(name, parent, createdIndex, createdIndex, expireTime, value, undefined);
  }

  get isDir(): boolean {
    return this.children !== undefined;
  }

  path(): string {
    if (this.parent === undefined) return '/';
    let path = this.name;
    for (let n = this.parent; n.parent !== undefined; n = n.parent) path = n.name + '/' + path;
    return '/' + path;
  }
}
