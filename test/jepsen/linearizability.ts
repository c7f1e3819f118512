// Wing & Gong's linearizability search with Lowe's memoisation, as Porcupine does it: walk the
// history's call/return events in time order, try to linearize each pending call in turn, and
// backtrack at the first return of an operation that has not been linearized yet. A
// configuration — the set of linearized operations plus the model state — that was already
// explored is never explored again. Histories are split per key beforehand (linearizability is
// local), which keeps each search small.
//
// The set of linearized operations is identified by a 96-bit Zobrist hash (xor of random words
// per operation) rather than stored: a false match would need a 2^-96-scale collision.

export interface Model<S, Op> {
  init: S;
  /** The state after op, or undefined when op's recorded answer is impossible in s. */
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
  const h = [0, 0, 0];
  const seen = new Set<string>();
  const calls: { entry: Entry; state: S }[] = [];
  let state = model.init;
  let entry = head.next;
  let steps = 0;
  let deepest = 0;
  while (head.next) {
    if (++steps > maxSteps) return { ok: false, decided: false, steps };
    const e = entry!;
    if (e.call) {
      const next = model.step(state, ops[e.op]!);
      if (next !== undefined) {
        const z = e.op * 3;
        const memo = `${(h[0]! ^ zobrist[z]!) >>> 0}.${(h[1]! ^ zobrist[z + 1]!) >>> 0}.${(h[2]! ^ zobrist[z + 2]!) >>> 0}|${model.key(next)}`;
        if (!seen.has(memo)) {
          seen.add(memo);
          calls.push({ entry: e, state });
          state = next;
          toggle(h, zobrist, e.op);
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
      toggle(h, zobrist, top.entry.op);
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  const order = calls.map((c) => c.entry.op);
  const states: S[] = [];
  let s = model.init;
  for (const i of order) states.push((s = model.step(s, ops[i]!)!));
  return { ok: true, decided: true, order, states, steps };
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
