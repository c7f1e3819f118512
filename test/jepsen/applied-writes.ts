// What the watched events say about every write under the workload's directory. Each write
// carries a value no other write uses, so an event names the one operation that made it, and:
//   - a value in two events is a write applied twice (an unsafe retry) — duplicate;
//   - an event whose value no operation wrote, or a delete no delete operation explains — phantom;
//   - an event for a write that was answered with a failure (101, 105, 100) — applied-though-failed;
//   - an acknowledged write with no event, or at another index than it was told — lost, wrong-index;
//   - a compare-and-swap whose replaced node is not what it compared against — compare-mismatch;
//   - an event whose prevNode is not the key's previous event — broken-chain (the CAS chains);
//   - events not in increasing index order — out-of-order;
//   - a key whose last event differs from its final quorum read — final-mismatch.
// A watcher that missed events (a gap) proves nothing here; the caller reports the gap instead.
import type { AppendOp, Operation } from './history.js';
import type { WatchedEvent } from './prefix-watcher.js';

export type AnomalyKind =
  | 'duplicate'
  | 'phantom'
  | 'applied-though-failed'
  | 'lost'
  | 'wrong-index'
  | 'compare-mismatch'
  | 'broken-chain'
  | 'out-of-order'
  | 'final-mismatch'
  | 'watchers-disagree';

export interface Anomaly {
  kind: AnomalyKind;
  detail: string;
}

/** A write that leaves a value, as the events should show it. */
interface ValueWrite {
  desc: string;
  /** The key it writes; undefined for an append (a new key under the queue directory). */
  key: string | undefined;
  action: 'set' | 'compareAndSwap' | 'create';
  ackedIndex: number | undefined;
  failed: boolean;
  compare?: { value: string } | { index: number };
}

const ACTION = { set: 'set', 'cas-value': 'compareAndSwap', 'cas-index': 'compareAndSwap', create: 'create' } as const;

function valueWrites(ops: readonly Operation[], appends: readonly AppendOp[]): Map<string, ValueWrite> {
  const out = new Map<string, ValueWrite>();
  for (const op of ops) {
    const input = op.input;
    if (input.f === 'get' || input.f === 'delete') continue;
    const answer = op.output;
    out.set(input.value, {
      desc: `#${op.id} ${input.f} ${op.key}=${JSON.stringify(input.value)} (client ${op.client})`,
      key: op.key,
      action: ACTION[input.f],
      ackedIndex: answer?.ok && 'index' in answer ? answer.index : undefined,
      failed: answer !== undefined && !answer.ok,
      ...(input.f === 'cas-value' ? { compare: { value: input.prevValue } } : input.f === 'cas-index' ? { compare: { index: input.prevIndex } } : {}),
    });
  }
  for (const a of appends) {
    out.set(a.value, { desc: `append #${a.id} ${JSON.stringify(a.value)} (client ${a.client})`, key: undefined, action: 'create', ackedIndex: a.output?.index, failed: false });
  }
  return out;
}

const describe = (ev: WatchedEvent): string => `${ev.action} ${ev.key}${ev.value !== undefined ? `=${JSON.stringify(ev.value)}` : ''} @${ev.index} (from m${ev.member + 1})`;

/** Checks one watcher's events against the operations (key ops and appends to `queueDir`). */
export function checkAppliedWrites(ops: readonly Operation[], appends: readonly AppendOp[], events: readonly WatchedEvent[], queueDir: string): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const report = (kind: AnomalyKind, detail: string): void => void anomalies.push({ kind, detail });
  const writes = valueWrites(ops, appends);
  const applied = new Map<string, WatchedEvent[]>();
  const deletes = ops.filter((o) => o.input.f === 'delete');
  const ackedDeletes = new Map(deletes.flatMap((o) => (o.output?.ok && 'index' in o.output ? [[`${o.key}@${o.output.index}`, o] as const] : [])));
  const unexplainedDeletes = new Map<string, WatchedEvent[]>();
  const last = new Map<string, WatchedEvent>();
  let previous = 0;
  for (const ev of events) {
    if (ev.index <= previous) {
      report('out-of-order', `${describe(ev)} after index ${previous}`);
      continue;
    }
    previous = ev.index;
    checkChain(last.get(ev.key), ev, report);
    last.set(ev.key, ev);
    if (ev.action === 'delete') {
      if (!ackedDeletes.delete(`${ev.key}@${ev.index}`)) unexplainedDeletes.set(ev.key, [...(unexplainedDeletes.get(ev.key) ?? []), ev]);
      continue;
    }
    const w = ev.value === undefined ? undefined : writes.get(ev.value);
    if (!w) {
      report('phantom', `${describe(ev)}: no operation wrote this`);
      continue;
    }
    const times = applied.get(ev.value!) ?? [];
    applied.set(ev.value!, [...times, ev]);
    if (times.length > 0) continue; // reported once below, with every index
    const keyOk = w.key === undefined ? ev.key.startsWith(`${queueDir}/`) : ev.key === w.key;
    if (!keyOk || ev.action !== w.action) report('phantom', `${describe(ev)} does not match the operation that wrote the value: ${w.desc}`);
    if (w.failed) report('applied-though-failed', `${describe(ev)}: ${w.desc} was answered with a failure`);
    if (w.ackedIndex !== undefined && w.ackedIndex !== ev.index) report('wrong-index', `${describe(ev)}: ${w.desc} was acknowledged at index ${w.ackedIndex}`);
    if (w.compare && 'value' in w.compare && ev.prev?.value !== w.compare.value) report('compare-mismatch', `${describe(ev)} replaced ${JSON.stringify(ev.prev?.value)}, but ${w.desc} compared against ${JSON.stringify(w.compare.value)}`);
    if (w.compare && 'index' in w.compare && ev.prev?.index !== w.compare.index) report('compare-mismatch', `${describe(ev)} replaced the node @${ev.prev?.index}, but ${w.desc} compared against index ${w.compare.index}`);
  }
  for (const [value, evs] of applied) {
    if (evs.length > 1) report('duplicate', `${writes.get(value)!.desc} applied ${evs.length} times: ${evs.map(describe).join(', ')}`);
  }
  for (const [value, w] of writes) {
    if (w.ackedIndex !== undefined && !applied.has(value)) report('lost', `${w.desc}, acknowledged at index ${w.ackedIndex}, is in no event`);
  }
  for (const op of ackedDeletes.values()) report('lost', `#${op.id} delete ${op.key}, acknowledged at index ${(op.output as { index: number }).index}, is in no event`);
  for (const [key, evs] of unexplainedDeletes) {
    const unanswered = deletes.filter((o) => o.key === key && o.output === undefined).length;
    if (evs.length > unanswered) report('phantom', `${evs.length} deletes of ${key} that no acknowledged delete made, and only ${unanswered} unanswered deletes: ${evs.map(describe).join(', ')}`);
  }
  return anomalies;
}

/** Each event on a key replaces what the key's previous event left. */
function checkChain(before: WatchedEvent | undefined, ev: WatchedEvent, report: (kind: AnomalyKind, detail: string) => void): void {
  if (!before) return; // the key's first event: nothing seen to compare with
  const left = before.action === 'delete' ? undefined : { value: before.value, index: before.index };
  const ok = left === undefined ? ev.prev === undefined : ev.prev !== undefined && ev.prev.value === left.value && ev.prev.index === left.index;
  if (!ok) report('broken-chain', `${describe(ev)} replaced ${ev.prev ? `${JSON.stringify(ev.prev.value)}@${ev.prev.index}` : 'nothing'}, but the key's previous event was ${describe(before)}`);
}

/**
 * Every key's last event agrees with its final quorum read (a key with no event ends absent),
 * and the queue directory's final listing holds exactly the entries the events created.
 */
export function checkFinalState(events: readonly WatchedEvent[], finals: readonly Operation[], queue: readonly { key: string; value: string }[], queueDir: string): Anomaly[] {
  const last = new Map<string, WatchedEvent>();
  for (const ev of events) last.set(ev.key, ev);
  const anomalies: Anomaly[] = [];
  for (const fin of finals) {
    const ev = last.get(fin.key);
    const out = fin.output;
    const read = out?.ok && 'index' in out ? `${JSON.stringify(out.value)}@${out.index}` : 'absent';
    const watched = !ev || ev.action === 'delete' ? 'absent' : `${JSON.stringify(ev.value)}@${ev.index}`;
    if (read !== watched) anomalies.push({ kind: 'final-mismatch', detail: `${fin.key}: final quorum read ${read}, last watched event leaves ${watched}` });
  }
  const created = new Map(events.filter((e) => e.action === 'create' && e.key.startsWith(`${queueDir}/`)).map((e) => [e.key, e.value]));
  for (const q of queue) {
    if (created.get(q.key) !== q.value) anomalies.push({ kind: 'final-mismatch', detail: `${q.key}=${JSON.stringify(q.value)} is in the queue, but no watched event created it` });
    created.delete(q.key);
  }
  for (const [key, value] of created) anomalies.push({ kind: 'final-mismatch', detail: `${key}=${JSON.stringify(value)} was created (watched), but is not in the queue` });
  return anomalies;
}

/** Two watchers of the same directory, resumed on different members, saw the same events. */
export function compareWatchers(a: readonly WatchedEvent[], b: readonly WatchedEvent[]): Anomaly[] {
  const line = (ev: WatchedEvent | undefined): string => (ev ? `${ev.index} ${ev.action} ${ev.key} ${ev.value ?? ''}` : 'nothing');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (line(a[i]) !== line(b[i])) return [{ kind: 'watchers-disagree', detail: `event ${i + 1}: ${line(a[i])} vs ${line(b[i])}` }];
  }
  return [];
}
