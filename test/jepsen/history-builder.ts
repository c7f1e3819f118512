// Terse construction of hand-written histories for tests: times in ms, one key unless named.
import type { EtcdInput, EtcdOutput, Operation } from './history.js';

export class HistoryBuilder {
  readonly ops: Operation[] = [];

  /** An operation by `client` from `call` to `ret` (ms); output undefined = indeterminate. */
  add(client: number, call: number, ret: number | undefined, input: EtcdInput, output: EtcdOutput | undefined, key = '/k'): this {
    this.ops.push({
      id: this.ops.length,
      client,
      key,
      input,
      output,
      call: call * 1e6,
      ret: output === undefined || ret === undefined ? Infinity : ret * 1e6,
    });
    return this;
  }
}

export const ok = (index: number): EtcdOutput => ({ ok: true, index });
export const read = (value: string, index: number): EtcdOutput => ({ ok: true, value, index });
export const missing: EtcdOutput = { ok: true, missing: true };
export const fail = (code: 100 | 101 | 105): EtcdOutput => ({ ok: false, code });
export const get: EtcdInput = { f: 'get' };
export const del: EtcdInput = { f: 'delete' };
export const set = (value: string): EtcdInput => ({ f: 'set', value });
export const create = (value: string): EtcdInput => ({ f: 'create', value });
export const casValue = (prevValue: string, value: string): EtcdInput => ({ f: 'cas-value', prevValue, value });
export const casIndex = (prevIndex: number, value: string): EtcdInput => ({ f: 'cas-index', prevIndex, value });
