// The sequential specification of one etcd v2 key, for the linearizability checker.
//
// The state is what a client can know about the key: whether it exists, its value and its
// modifiedIndex. etcd's indexes are global, so the model cannot predict the index a write will
// get; it takes it from the write's response instead, and checks what it can:
//   - a compare-and-swap by prevIndex succeeds iff the key's current modifiedIndex equals it;
//   - writes to one key are applied in raft order, so in any valid linearization the indexes of
//     its successful writes strictly increase (`floor` is the highest index seen so far).
// Any field may be unknown (null): after an indeterminate write (its index was never seen), or at
// the start of a window cut out of the middle of a history. Unknown fields accept any answer and
// are refined by it, so the model only over-approximates — a rejection is always a real anomaly.
import type { EtcdInput, EtcdOutput, Operation } from './history.js';

export interface KeyState {
  exists: boolean | null;
  value: string | null;
  index: number | null;
  floor: number;
}

export const ABSENT: KeyState = { exists: false, value: null, index: null, floor: 0 };
export const UNKNOWN: KeyState = { exists: null, value: null, index: null, floor: 0 };

export function stateKey(s: KeyState): string {
  return `${s.exists}|${s.value}|${s.index}|${s.floor}`;
}

export function describeState(s: KeyState): string {
  if (s.exists === null) return 'unknown';
  if (!s.exists) return 'absent';
  return `${s.value === null ? '?' : JSON.stringify(s.value)}@${s.index ?? '?'}`;
}

/** The state after `op`, or undefined when its answer is impossible in state `s`. */
export function stepKey(s: KeyState, op: Pick<Operation, 'input' | 'output'>): KeyState | undefined {
  return op.output === undefined ? stepIndeterminate(s, op.input) : stepDefinite(s, op.input, op.output);
}

function written(value: string, index: number): KeyState {
  return { exists: true, value, index, floor: index };
}

function absentAfter(s: KeyState): KeyState {
  return { exists: false, value: null, index: s.exists === false ? s.index : null, floor: s.floor };
}

function present(s: KeyState): KeyState {
  return s.exists === true ? s : { exists: true, value: s.value, index: s.index, floor: s.floor };
}

function stepDefinite(s: KeyState, input: EtcdInput, out: EtcdOutput): KeyState | undefined {
  if (input.f === 'get') {
    if (!out.ok) return undefined;
    if ('missing' in out) return s.exists === true ? undefined : absentAfter(s);
    if (s.exists === false || out.value === undefined) return undefined;
    if (s.value !== null && s.value !== out.value) return undefined;
    if (s.index !== null ? s.index !== out.index : out.index <= s.floor) return undefined;
    return written(out.value, out.index);
  }
  if (out.ok) {
    if ('missing' in out || out.index <= s.floor) return undefined;
    switch (input.f) {
      case 'set':
        return written(input.value, out.index);
      case 'cas-value':
        if (s.exists === false || (s.value !== null && s.value !== input.prevValue)) return undefined;
        return written(input.value, out.index);
      case 'cas-index':
        if (s.exists === false || (s.index !== null ? s.index !== input.prevIndex : input.prevIndex < s.floor)) return undefined;
        return written(input.value, out.index);
      case 'create':
        return s.exists === true ? undefined : written(input.value, out.index);
      case 'delete':
        return s.exists === false ? undefined : { exists: false, value: null, index: out.index, floor: out.index };
    }
  }
  switch (out.code) {
    case 100: // key not found: a compare or delete on an absent key
      if (input.f === 'set' || input.f === 'create') return undefined;
      return s.exists === true ? undefined : absentAfter(s);
    case 101: // compare failed: the key exists and does not match
      if (s.exists === false) return undefined;
      if (input.f === 'cas-value') return s.value === input.prevValue ? undefined : present(s);
      if (input.f === 'cas-index') return s.index === input.prevIndex ? undefined : present(s);
      return undefined;
    case 105: // node exists
      if (input.f !== 'create' || s.exists === false) return undefined;
      return present(s);
  }
}

/** An operation whose answer was lost: it takes effect here if it would succeed here. */
function stepIndeterminate(s: KeyState, input: EtcdInput): KeyState {
  const unknown: KeyState = { exists: null, value: null, index: null, floor: s.floor };
  const write = (value: string): KeyState => ({ exists: true, value, index: null, floor: s.floor });
  switch (input.f) {
    case 'get':
      return s;
    case 'set':
      return write(input.value);
    case 'cas-value':
      if (s.exists === false || (s.value !== null && s.value !== input.prevValue)) return s;
      return s.exists === true && s.value !== null ? write(input.value) : unknown;
    case 'cas-index':
      if (s.exists === false || (s.index !== null && s.index !== input.prevIndex)) return s;
      return s.exists === true && s.index !== null ? write(input.value) : unknown;
    case 'create':
      if (s.exists === true) return s;
      return s.exists === false ? write(input.value) : unknown;
    case 'delete':
      return s.exists === false ? s : { exists: false, value: null, index: null, floor: s.floor };
  }
}
