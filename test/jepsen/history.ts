// One recorded client operation on one etcd v2 key: what was asked, what came back, and when.
// Times are nanoseconds (process.hrtime.bigint() as a number, relative to the run's start).
// An operation whose outcome is unknown (timeout, lost connection, 5xx) is indeterminate: its
// output is undefined and its return time Infinity — it may have taken effect at any moment
// after its invocation, or never.

export type EtcdInput =
  | { f: 'get' } // quorum=true read
  | { f: 'set'; value: string }
  | { f: 'cas-value'; prevValue: string; value: string }
  | { f: 'cas-index'; prevIndex: number; value: string }
  | { f: 'create'; value: string } // prevExist=false
  | { f: 'delete' };

/**
 * A definite answer. Writes that succeeded report the modifiedIndex they produced; reads report
 * the key's state. A definite failure names its etcd errorCode: 100 key not found, 101 compare
 * failed, 105 node exists.
 */
export type EtcdOutput =
  | { ok: true; index: number; value?: string } // write: new modifiedIndex; get: value + modifiedIndex
  | { ok: true; missing: true } // get of an absent key (errorCode 100 on a read)
  | { ok: false; code: 100 | 101 | 105 };

export interface Operation {
  id: number;
  client: number;
  key: string;
  input: EtcdInput;
  /** undefined: indeterminate. */
  output: EtcdOutput | undefined;
  call: number;
  ret: number;
  /** Free text for reports (the member asked, the error seen). */
  note?: string;
}

/**
 * A POST to the queue directory: etcd creates an in-order key (named by its index) holding the
 * value. Kept apart from the per-key operations: it is checked against the directory's listing
 * and the watched events, not by the linearizability search.
 */
export interface AppendOp {
  id: number;
  client: number;
  value: string;
  /** The key and index the member answered with; undefined: indeterminate. */
  output: { key: string; index: number } | undefined;
  call: number;
  ret: number;
  note?: string;
}

export function isIndeterminate(op: Operation): boolean {
  return op.output === undefined;
}

/** Groups operations by key (linearizability is local: each key can be checked alone). */
export function byKey(ops: readonly Operation[]): Map<string, Operation[]> {
  const out = new Map<string, Operation[]>();
  for (const op of ops) {
    let list = out.get(op.key);
    if (!list) out.set(op.key, (list = []));
    list.push(op);
  }
  return out;
}
