// Checks a whole recorded history, key by key, and on failure cuts out the shortest window that
// is still not linearizable on its own, for a readable report.
//
// The window is found in two sound steps:
//  1. The earliest moment T at which the history, as observed at T, stops being linearizable
//     (ops invoked by T; those not yet returned count as indeterminate). Observing more never
//     repairs a violation, so T is found by binary search over return times.
//  2. The latest cut s before T such that the operations after s are non-linearizable from
//     *any* initial state. Operations that completed before s are dropped. Those in flight at s
//     keep their input but lose their answer (they become indeterminate): each either took
//     effect before the cut, absorbed into the unknown initial state, or after it, where an
//     indeterminate operation takes effect exactly when it would have succeeded. So any
//     linearization of the whole history gives one of the window, and a failing window proves
//     the violation. A window failing at s also fails at every earlier cut: binary search again.
import { ABSENT, describeState, stepKey, stateKey, UNKNOWN } from './etcd-key-model.js';
import type { KeyState } from './etcd-key-model.js';
import { formatOps } from './describe-op.js';
import { byKey } from './history.js';
import type { Operation } from './history.js';
import { checkLinearizable } from './linearizability.js';
import type { Model } from './linearizability.js';

export interface KeyFailure {
  key: string;
  window: Operation[];
  /** The operation whose return made the history non-linearizable. */
  culprit: Operation;
  /** Whether the window starts from an unknown state (a cut) or from the empty store. */
  fromStart: boolean;
  report: string;
}

export interface HistoryVerdict {
  ok: boolean;
  keys: number;
  ops: number;
  failures: KeyFailure[];
  /** Keys whose search ran out of budget: no verdict. */
  undecided: string[];
}

function model(init: KeyState): Model<KeyState, Operation> {
  return { init, step: stepKey, key: stateKey };
}

export function checkHistory(ops: readonly Operation[], maxSteps?: number): HistoryVerdict {
  const verdict: HistoryVerdict = { ok: true, keys: 0, ops: ops.length, failures: [], undecided: [] };
  // A read whose answer was lost changed nothing and tells nothing: leave it out of the search.
  const relevant = ops.filter((op) => op.output !== undefined || op.input.f !== 'get');
  for (const [key, keyOps] of byKey(relevant)) {
    verdict.keys++;
    const result = checkLinearizable(model(ABSENT), keyOps, maxSteps);
    if (!result.decided) verdict.undecided.push(key);
    else if (!result.ok) verdict.failures.push(explainFailure(key, keyOps, maxSteps));
  }
  verdict.ok = verdict.failures.length === 0;
  return verdict;
}

/** The history as a client would have seen it at time t. */
function observedAt(ops: readonly Operation[], t: number): Operation[] {
  return ops.filter((op) => op.call <= t).map((op) => (op.ret <= t ? op : { ...op, output: undefined, ret: Infinity }));
}

function fails(init: KeyState, ops: Operation[], maxSteps?: number): boolean {
  const r = checkLinearizable(model(init), ops, maxSteps);
  return r.decided && !r.ok;
}

/** Window searches get a smaller budget: a window whose search runs out is treated as passing. */
const WINDOW_STEPS = 2_000_000;

export function explainFailure(key: string, ops: readonly Operation[], maxSteps = WINDOW_STEPS): KeyFailure {
  const returns = [...new Set(ops.filter((o) => Number.isFinite(o.ret)).map((o) => o.ret))].sort((a, b) => a - b);
  let lo = 0;
  let hi = returns.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(ABSENT, observedAt(ops, returns[mid]!), maxSteps)) hi = mid;
    else lo = mid + 1;
  }
  // The budget may have hidden the violation in every prefix: then report from the whole history.
  const t = fails(ABSENT, observedAt(ops, returns[lo]!), maxSteps) ? returns[lo]! : Infinity;
  const prefix = Number.isFinite(t) ? observedAt(ops, t) : [...ops];
  const culprit = ops.find((o) => o.ret === t) ?? ops[ops.length - 1]!;

  const calls = [...new Set(prefix.map((o) => o.call))].sort((a, b) => a - b);
  const windowAt = (cut: number): Operation[] =>
    prefix.filter((op) => op.ret >= cut).map((op) => (op.call >= cut || op.output === undefined ? op : { ...op, output: undefined, ret: Infinity }));
  // Largest cut index whose window still fails (index 0 = the whole prefix from an unknown start).
  let lo2 = 0;
  let hi2 = calls.length - 1;
  if (!fails(UNKNOWN, windowAt(calls[0]!), maxSteps)) hi2 = -1;
  while (lo2 < hi2) {
    const mid = (lo2 + hi2 + 1) >> 1;
    if (fails(UNKNOWN, windowAt(calls[mid]!), maxSteps)) lo2 = mid;
    else hi2 = mid - 1;
  }
  const fromStart = hi2 < 0;
  const cut = fromStart ? -Infinity : calls[lo2]!;
  const inFlight = new Set(prefix.filter((op) => op.call < cut && op.ret >= cut && op.output !== undefined).map((op) => op.id));
  const window = fromStart ? prefix : prefix.filter((op) => op.ret >= cut).map((op) => (inFlight.has(op.id) ? { ...op, note: [op.note, 'in flight at the cut: answer not used'].filter(Boolean).join('; ') } : op));
  const origin = Math.min(...window.map((o) => o.call));
  const report = [
    `key ${key}: not linearizable (${ops.length} operations on this key; shortest failing window: ${window.length})`,
    fromStart
      ? `  window starts at the beginning of the history (key ${describeState(ABSENT)})`
      : '  window starts at a cut: the key may be in any state there; operations in flight at the cut count as indeterminate',
    formatOps(window, origin, culprit, t),
  ].join('\n');
  return { key, window, culprit, fromStart, report };
}

export function formatVerdict(v: HistoryVerdict): string {
  if (v.ok && v.undecided.length === 0) return `linearizable: ${v.ops} operations on ${v.keys} keys`;
  const lines = [`${v.failures.length} of ${v.keys} keys not linearizable (${v.ops} operations)`];
  for (const f of v.failures) lines.push(f.report);
  if (v.undecided.length) lines.push(`undecided (search budget spent): ${v.undecided.join(', ')}`);
  return lines.join('\n');
}
