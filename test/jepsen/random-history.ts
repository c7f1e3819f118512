// Histories of a real atomic etcd key, for testing the checker: each operation takes effect at a
// random point inside its interval, applied in that order to a plain register with a global
// index; some answers are then "lost" (indeterminate), half of those never having happened.
import { Random } from '../sim/random.js';
import type { EtcdInput, EtcdOutput, Operation } from './history.js';

interface Register {
  value: string | undefined;
  index: number;
}

export function apply(reg: Register, input: EtcdInput, nextIndex: () => number): EtcdOutput {
  const write = (value: string): EtcdOutput => {
    reg.value = value;
    reg.index = nextIndex();
    return { ok: true, index: reg.index };
  };
  switch (input.f) {
    case 'get':
      return reg.value === undefined ? { ok: true, missing: true } : { ok: true, value: reg.value, index: reg.index };
    case 'set':
      return write(input.value);
    case 'cas-value':
      if (reg.value === undefined) return { ok: false, code: 100 };
      return reg.value === input.prevValue ? write(input.value) : { ok: false, code: 101 };
    case 'cas-index':
      if (reg.value === undefined) return { ok: false, code: 100 };
      return reg.index === input.prevIndex ? write(input.value) : { ok: false, code: 101 };
    case 'create':
      return reg.value === undefined ? write(input.value) : { ok: false, code: 105 };
    case 'delete':
      if (reg.value === undefined) return { ok: false, code: 100 };
      reg.value = undefined;
      reg.index = nextIndex();
      return { ok: true, index: reg.index };
  }
}

export function randomHistory(seed: number, clients: number, opsPerClient: number, lostRate = 0.05): Operation[] {
  const rnd = new Random(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd.next() * xs.length)]!;
  const values = ['a', 'b', 'c', 'd'];
  const planned: { client: number; call: number; point: number; ret: number; input: EtcdInput | undefined }[] = [];
  for (let c = 0; c < clients; c++) {
    let t = rnd.next() * 5;
    for (let i = 0; i < opsPerClient; i++) {
      const call = t;
      const point = call + rnd.next() * 10;
      const ret = point + rnd.next() * 10;
      planned.push({ client: c, call, point, ret, input: undefined });
      t = ret + rnd.next() * 3;
    }
  }
  // Inputs are chosen at the linearization point so CAS-by-index sees recent indexes.
  planned.sort((a, b) => a.point - b.point);
  const reg: Register = { value: undefined, index: 0 };
  let global = 0;
  const ops: Operation[] = [];
  for (const p of planned) {
    const kind = pick(['get', 'get', 'set', 'cas-value', 'cas-index', 'create', 'delete'] as const);
    const input: EtcdInput =
      kind === 'get' || kind === 'delete'
        ? { f: kind }
        : kind === 'cas-value'
          ? { f: kind, prevValue: pick(values), value: pick(values) }
          : kind === 'cas-index'
            ? { f: kind, prevIndex: Math.max(1, reg.index - Math.floor(rnd.next() * 2)), value: pick(values) }
            : { f: kind, value: pick(values) };
    global += 1 + Math.floor(rnd.next() * 3); // other keys' writes advance the global index too
    const lost = rnd.next() < lostRate;
    const happened = !lost || rnd.next() < 0.5;
    const output = happened ? apply(reg, input, () => ++global) : undefined;
    ops.push({ id: ops.length, client: p.client, key: '/k', input, output: lost ? undefined : output, call: p.call * 1e6, ret: lost ? Infinity : p.ret * 1e6 });
  }
  return ops;
}
