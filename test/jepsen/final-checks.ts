// What must hold once the faults stop: every member converges to the same store, the last
// state of every key is read back (through a quorum read, appended to the history so the
// linearizability check covers it), no acknowledged write is lost, and — informative only —
// how often default (local) reads were stale.
import { createHash } from 'node:crypto';
import { sleep } from '../../bench/harness/wait.js';
import type { RunClock } from './clock.js';
import { v2Request } from './etcd-client.js';
import type { Operation } from './history.js';
import type { DefaultRead } from './workload.js';
import { classify } from './workload.js';

export interface Convergence {
  converged: boolean;
  afterMs: number;
  /** Per member: X-Etcd-Index and content hash of the last recursive GET. */
  members: { index: number; hash: string }[];
}

/** Polls every member's recursive GET of the whole tree until index and content agree. */
export async function waitForConvergence(endpoints: string[], timeoutMs: number): Promise<Convergence> {
  const started = Date.now();
  let members: { index: number; hash: string }[] = [];
  while (Date.now() - started < timeoutMs) {
    members = await Promise.all(
      endpoints.map(async (base) => {
        const r = await v2Request(base, 'GET', '/', { recursive: true, sorted: true }, 2000);
        if (r.kind !== 'answer' || r.status !== 200) return { index: -1, hash: r.kind };
        return { index: r.etcdIndex, hash: createHash('sha256').update(JSON.stringify(r.body)).digest('hex').slice(0, 16) };
      }),
    );
    const first = members[0]!;
    if (first.index >= 0 && members.every((m) => m.index === first.index && m.hash === first.hash)) {
      return { converged: true, afterMs: Date.now() - started, members };
    }
    await sleep(200);
  }
  return { converged: false, afterMs: Date.now() - started, members };
}

/** The store's X-Etcd-Index as `endpoint` answers it (where a watch from before the workload starts). */
export async function storeIndex(endpoint: string): Promise<number> {
  const r = await v2Request(endpoint, 'GET', '/', {}, 10000);
  if (r.kind !== 'answer' || !(r.etcdIndex >= 0)) throw new Error(`no store index from ${endpoint}: ${JSON.stringify(r).slice(0, 200)}`);
  return r.etcdIndex;
}

/**
 * A last write after the faults, under the watched directory: once a watcher has seen it, it
 * has seen every write before. Tried until acknowledged; every try is recorded (client -1), as
 * an unanswered one may still be applied.
 */
export async function writeSentinel(endpoint: string, key: string, clock: RunClock, firstId: number, timeoutMs: number): Promise<Operation[]> {
  const out: Operation[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const input = { f: 'set' as const, value: `end-${out.length + 1}` };
    const call = clock.now();
    const reply = await v2Request(endpoint, 'PUT', key, { value: input.value }, 10000);
    const output = reply.kind === 'answer' ? classify(input, reply) : undefined;
    if (reply.kind !== 'not-sent') out.push({ id: firstId + out.length, client: -1, key, input, output, call, ret: output ? clock.now() : Infinity, note: 'end of run' });
    if (output?.ok) return out;
    await sleep(500);
  }
  throw new Error(`the end-of-run write to ${key} was not acknowledged in ${timeoutMs} ms`);
}

/** One quorum read per key after the run, recorded like any other operation (client -1). */
export async function finalReads(endpoint: string, keys: string[], clock: RunClock, firstId: number): Promise<Operation[]> {
  const out: Operation[] = [];
  for (const key of keys) {
    const call = clock.now();
    const reply = await v2Request(endpoint, 'GET', key, { quorum: true }, 10000);
    const ret = clock.now();
    const output = reply.kind === 'answer' ? classify({ f: 'get' }, reply) : undefined;
    if (!output) throw new Error(`final read of ${key} failed: ${JSON.stringify(reply).slice(0, 200)}`);
    out.push({ id: firstId + out.length, client: -1, key, input: { f: 'get' }, output, call, ret, note: 'final read' });
  }
  return out;
}

/**
 * Acknowledged writes that the final state contradicts: a write whose index is newer than the
 * key's final modifiedIndex, or any acknowledged write to a key that ends absent with no
 * delete (acknowledged later, or unanswered) that could explain it.
 */
export function lostWrites(history: readonly Operation[], finals: readonly Operation[]): Operation[] {
  const lost: Operation[] = [];
  for (const fin of finals) {
    const out = fin.output!;
    const finalIndex = out.ok && 'index' in out ? out.index : undefined;
    const deletes = history.filter((o) => o.key === fin.key && o.input.f === 'delete' && (o.output === undefined || (o.output.ok && 'index' in o.output)));
    for (const op of history) {
      if (op.key !== fin.key || op.input.f === 'get' || op.input.f === 'delete' || !op.output?.ok || !('index' in op.output)) continue;
      const index = op.output.index;
      if (finalIndex !== undefined) {
        if (index > finalIndex) lost.push(op);
      } else if (!deletes.some((d) => d.output === undefined || (d.output as { index: number }).index > index)) {
        lost.push(op);
      }
    }
  }
  return lost;
}

export interface StaleReads {
  reads: number;
  stale: number;
}

/**
 * A default read is stale when, before it was invoked, some acknowledged operation on the same
 * key had already produced or observed a newer modifiedIndex than the one it returned.
 * (Reads of an absent key are not judged.)
 */
export function staleReads(history: readonly Operation[], reads: readonly DefaultRead[]): StaleReads {
  // Per key: return times ascending, with the highest index known by each of them.
  const known = new Map<string, { ret: number[]; maxIndex: number[] }>();
  const definite = history.filter((o) => o.output?.ok && 'index' in o.output).sort((a, b) => a.ret - b.ret);
  for (const o of definite) {
    let k = known.get(o.key);
    if (!k) known.set(o.key, (k = { ret: [], maxIndex: [] }));
    k.ret.push(o.ret);
    k.maxIndex.push(Math.max(k.maxIndex.at(-1) ?? 0, (o.output as { index: number }).index));
  }
  let stale = 0;
  let judged = 0;
  for (const r of reads) {
    if (r.index === undefined) continue;
    judged++;
    const k = known.get(r.key);
    if (!k) continue;
    let lo = 0; // count of operations that returned before the read was invoked
    let hi = k.ret.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (k.ret[mid]! < r.call) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && k.maxIndex[lo - 1]! > r.index) stale++;
  }
  return { reads: judged, stale };
}
