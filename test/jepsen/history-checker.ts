// Checks a whole recorded history, key by key, and on failure cuts out a short window that is
// non-linearizable on its own, for a readable report.
//
// A window is the history observed between a cut s and a moment t:
//   - operations invoked after t are left out, and those not yet returned at t lose their answer
//     (they are indeterminate as seen at t) — observing more never repairs a violation;
//   - operations that completed before s are left out, and those in flight at s lose their
//     answer; the window starts from an unknown key state. Each operation in flight at s either
//     took effect before the cut (absorbed into the unknown state) or after it, where an
//     indeterminate operation takes effect exactly when it would have succeeded.
// So any linearization of the whole history yields one of every window: a window that fails
// proves the history non-linearizable. Failing is monotone in both s (earlier) and t (later).
//
// Proving a long history non-linearizable can take the full search a long time (every
// interleaving before the violation is explored), while a violation is nearly always local. So
// a failing or slow key is first scanned for small failing windows; only if none exists does
// the full search run with its whole budget.
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
  /** The operation whose return made the window non-linearizable. */
  culprit: Operation;
  /** Whether the window starts from the empty store rather than from a cut. */
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

const QUICK_STEPS = 1_000_000;
const WINDOW_STEPS = 200_000;
const FULL_STEPS = 30_000_000;
export const LOCAL_SIZES = [4, 16, 64];

function model(init: KeyState): Model<KeyState, Operation> {
  return { init, step: stepKey, key: stateKey };
}

export function checkHistory(ops: readonly Operation[], maxSteps = FULL_STEPS): HistoryVerdict {
  const verdict: HistoryVerdict = { ok: true, keys: 0, ops: ops.length, failures: [], undecided: [] };
  // A read whose answer was lost changed nothing and tells nothing: leave it out of the search.
  const relevant = ops.filter((op) => op.output !== undefined || op.input.f !== 'get');
  for (const [key, keyOps] of byKey(relevant)) {
    verdict.keys++;
    const failure = checkKey(key, keyOps, maxSteps);
    if (failure === 'undecided') verdict.undecided.push(key);
    else if (failure) verdict.failures.push(failure);
  }
  verdict.ok = verdict.failures.length === 0;
  return verdict;
}

function checkKey(key: string, ops: Operation[], maxSteps: number): KeyFailure | 'undecided' | undefined {
  const quick = checkLinearizable(model(ABSENT), ops, Math.min(QUICK_STEPS, maxSteps));
  if (quick.ok) return undefined;
  const local = localViolation(ops);
  if (local) return describeFailure(key, ops, local.cut, local.t);
  const full = quick.decided ? quick : checkLinearizable(model(ABSENT), ops, maxSteps);
  if (!full.decided) return 'undecided';
  if (full.ok) return undefined;
  return describeFailure(key, ops, -Infinity, earliestFailingPrefix(ops));
}

/** Operations as seen in the window (cut, t]: see the file comment. */
export function windowOps(ops: readonly Operation[], cut: number, t: number): Operation[] {
  const out: Operation[] = [];
  for (const op of ops) {
    if (op.call > t || op.ret < cut) continue;
    out.push(op.call >= cut && op.ret <= t ? op : op.output === undefined ? op : { ...op, output: undefined, ret: Infinity });
  }
  return out;
}

function fails(init: KeyState, ops: Operation[], steps: number): boolean {
  const r = checkLinearizable(model(init), ops, steps);
  return r.decided && !r.ok;
}

/** The earliest return time whose small window fails, with the latest cut that still fails. */
export function localViolation(ops: readonly Operation[]): { cut: number; t: number } | undefined {
  const byCall = [...ops].sort((a, b) => a.call - b.call || a.id - b.id);
  const position = new Map(byCall.map((op, i) => [op.id, i]));
  const byRet = ops.filter((o) => Number.isFinite(o.ret)).sort((a, b) => a.ret - b.ret);
  for (const culprit of byRet) {
    const pos = position.get(culprit.id)!;
    for (const size of LOCAL_SIZES) {
      const from = Math.max(0, pos - size);
      if (!fails(UNKNOWN, windowOps(ops, byCall[from]!.call, culprit.ret), WINDOW_STEPS)) {
        if (from === 0) break;
        continue;
      }
      // Latest failing cut between byCall[from] and the culprit.
      let lo = from;
      let hi = pos;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (fails(UNKNOWN, windowOps(ops, byCall[mid]!.call, culprit.ret), WINDOW_STEPS)) lo = mid;
        else hi = mid - 1;
      }
      return { cut: byCall[lo]!.call, t: culprit.ret };
    }
  }
  return undefined;
}

/** Binary search over return times for the first prefix (from the empty store) that fails. */
function earliestFailingPrefix(ops: readonly Operation[]): number {
  const returns = [...new Set(ops.filter((o) => Number.isFinite(o.ret)).map((o) => o.ret))].sort((a, b) => a - b);
  let lo = 0;
  let hi = returns.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(ABSENT, windowOps(ops, -Infinity, returns[mid]!), QUICK_STEPS)) hi = mid;
    else lo = mid + 1;
  }
  // The budget may have hidden the violation in every prefix: then show the whole history.
  return fails(ABSENT, windowOps(ops, -Infinity, returns[lo]!), QUICK_STEPS) ? returns[lo]! : Infinity;
}

function describeFailure(key: string, ops: readonly Operation[], cut: number, t: number): KeyFailure {
  const fromStart = cut === -Infinity;
  const culprit = ops.find((o) => o.ret === t) ?? ops[ops.length - 1]!;
  const window = ops
    .filter((op) => op.call <= t && op.ret >= cut)
    .map((op) => (op.call < cut && op.output !== undefined ? { ...op, note: [op.note, 'in flight at the cut: answer not used'].filter(Boolean).join('; ') } : op));
  const origin = Math.min(...window.map((o) => o.call));
  const report = [
    `key ${key}: not linearizable (${ops.length} operations on this key; failing window: ${window.length})`,
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
