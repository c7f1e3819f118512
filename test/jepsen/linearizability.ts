// Wing & Gong's linearizability search with Lowe's memoisation, as Porcupine does it: walk the
// history's call/return events in time order, try to linearize each pending call in turn, and
// backtrack at the first return of an operation that has not been linearized yet. A
// configuration — the set of linearized operations plus the model state — that was already
// explored is never explored again. Histories are split per key beforehand (linearizability is
// local), which keeps each search small.
//
// The set of linearized operations is identified by a 96-bit Zobrist hash (xor of random words
// per operation) rather than stored: a false match would need a 2^-96-scale collision.
//
// Operations that never returned (ret = Infinity) get a cheaper treatment, because the model
// must accept them in every state: such an operation can always be linearized last. So a
// configuration that has linearized a superset of the indeterminate operations of an explored
// one (same definite set, same state) can only do less, and is pruned; in particular an
// indeterminate operation that leaves the state unchanged is never linearized early. Without
// this, k pending indeterminate operations multiply the search by up to 2^k. For the same
// reason an indeterminate operation that overwrites the indeterminate one just before it (a
// blind set after a set) is not stacked on it.

export interface Model<S, Op> {
  init: S;
  /** The state after op, or undefined when op's recorded answer is impossible in s. Never undefined for an op with ret = Infinity. */
  step(s: S, op: Op): S | undefined;
  key(s: S): string;
}

export interface TimedOp {
  call: number;
  /** Infinity when the operation never returned. */
  ret: number;
}

export interface CheckResult<S> {
  ok: boolean;
  /** False when the search gave up (step budget spent): neither verdict holds. */
  decided: boolean;
  /** A linearization (indexes into ops, in order) and the states after each, when ok. */
  order?: number[];
  states?: S[];
  /** The most operations any partial linearization reached, when not ok. */
  deepest?: number;
  steps: number;
}

interface Entry {
  op: number;
  call: boolean;
  time: number;
  match: Entry | undefined; // a call's return
  prev: Entry | undefined;
  next: Entry | undefined;
}

export function checkLinearizable<S, Op extends TimedOp>(model: Model<S, Op>, ops: readonly Op[], maxSteps = 50_000_000): CheckResult<S> {
  const head = buildEntries(ops);
  const zobrist = zobristWords(ops.length);
  // Bit positions for the indeterminate operations.
  const pendingBit: (bigint | undefined)[] = [];
  let bits = 0n;
  for (const op of ops) pendingBit.push(op.ret === Infinity ? 1n << bits++ : undefined);
  // Done once every operation that returned is linearized: the rest can always go last.
  let definiteLeft = ops.filter((op) => op.ret !== Infinity).length;
  const h = [0, 0, 0];
  let pending = 0n;
  const seen = new Map<string, bigint[]>();
  const calls: { entry: Entry; state: S }[] = [];
  let state = model.init;
  let entry = head.next;
  let steps = 0;
  let deepest = 0;
  while (definiteLeft > 0) {
    if (++steps > maxSteps) return { ok: false, decided: false, steps };
    const e = entry!;
    if (e.call) {
      const next = model.step(state, ops[e.op]!);
      const bit = pendingBit[e.op];
      if (next !== undefined && !(bit !== undefined && redundant(model, ops, e.op, next, state, calls, pendingBit))) {
        const z = e.op * 3;
        const definite = bit === undefined;
        const memo = definite
          ? `${(h[0]! ^ zobrist[z]!) >>> 0}.${(h[1]! ^ zobrist[z + 1]!) >>> 0}.${(h[2]! ^ zobrist[z + 2]!) >>> 0}|${model.key(next)}`
          : `${h[0]}.${h[1]}.${h[2]}|${model.key(next)}`;
        const mask = definite ? pending : pending | bit;
        const explored = seen.get(memo);
        if (!explored || !explored.some((m) => (m & ~mask) === 0n)) {
          // Masks that include this one are dominated by it from now on: dropping them keeps
          // the list short (one configuration once held 7,816 masks, scanned on every probe).
          seen.set(memo, explored ? [...explored.filter((m) => (mask & ~m) !== 0n), mask] : [mask]);
          calls.push({ entry: e, state });
          state = next;
          if (definite) {
            toggle(h, zobrist, e.op);
            definiteLeft--;
          } else pending = mask;
          lift(e);
          deepest = Math.max(deepest, calls.length);
          entry = head.next;
          continue;
        }
      }
      entry = e.next;
    } else {
      // The earliest unlinearized return: something before it must be undone.
      const top = calls.pop();
      if (!top) return { ok: false, decided: true, deepest, steps };
      state = top.state;
      const bit = pendingBit[top.entry.op];
      if (bit === undefined) {
        toggle(h, zobrist, top.entry.op);
        definiteLeft++;
      } else pending &= ~bit;
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  const order = calls.map((c) => c.entry.op);
  for (let e = head.next; e; e = e.next) if (e.call) order.push(e.op);
  const states: S[] = [];
  let s = model.init;
  for (const i of order) states.push((s = model.step(s, ops[i]!)!));
  return { ok: true, decided: true, order, states, steps };
}

/**
 * Linearizing indeterminate `op` here is pointless when a configuration with fewer
 * indeterminate operations reaches the same state: when op changes nothing, or when the
 * operation just before it was indeterminate too and op overwrites it (applying op alone, one
 * step earlier, gives the same state — that sibling branch is explored by the parent).
 */
function redundant<S, Op extends TimedOp>(
  model: Model<S, Op>,
  ops: readonly Op[],
  op: number,
  next: S,
  state: S,
  calls: readonly { entry: Entry; state: S }[],
  pendingBit: readonly (bigint | undefined)[],
): boolean {
  const key = model.key(next);
  if (key === model.key(state)) return true;
  const top = calls[calls.length - 1];
  if (!top || pendingBit[top.entry.op] === undefined) return false;
  const alone = model.step(top.state, ops[op]!);
  return alone !== undefined && model.key(alone) === key;
}

function buildEntries(ops: readonly TimedOp[]): Entry {
  const entries: Entry[] = [];
  ops.forEach((op, i) => {
    const call: Entry = { op: i, call: true, time: op.call, match: undefined, prev: undefined, next: undefined };
    const ret: Entry = { op: i, call: false, time: op.ret, match: undefined, prev: undefined, next: undefined };
    call.match = ret;
    entries.push(call, ret);
  });
  // At equal times calls go first: touching operations count as concurrent (the lenient reading).
  entries.sort((a, b) => a.time - b.time || (a.call === b.call ? a.op - b.op : a.call ? -1 : 1));
  const head: Entry = { op: -1, call: false, time: -Infinity, match: undefined, prev: undefined, next: undefined };
  let prev = head;
  for (const e of entries) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }
  return head;
}

function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Entry): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

function toggle(h: number[], zobrist: Uint32Array, op: number): void {
  h[0] = (h[0]! ^ zobrist[op * 3]!) >>> 0;
  h[1] = (h[1]! ^ zobrist[op * 3 + 1]!) >>> 0;
  h[2] = (h[2]! ^ zobrist[op * 3 + 2]!) >>> 0;
}

/** Fixed pseudo-random words (splitmix32), so a check is reproducible. */
function zobristWords(n: number): Uint32Array {
  const out = new Uint32Array(n * 3);
  let x = 0x2545f491;
  for (let i = 0; i < out.length; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    out[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return out;
}
