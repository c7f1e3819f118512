// Concurrent clients on a handful of keys doing set, compare-and-swap by prevValue and by
// prevIndex, create, delete and quorum reads — each recorded with its invocation and completion
// time and its answer — plus a sample of default (local, possibly stale) reads kept aside.
import { sleep } from '../../bench/harness/wait.js';
import { Random } from '../sim/random.js';
import type { RunClock } from './clock.js';
import { v2Request } from './etcd-client.js';
import type { Reply } from './etcd-client.js';
import type { EtcdInput, EtcdOutput, Operation } from './history.js';

export interface DefaultRead {
  client: number;
  key: string;
  member: number;
  call: number;
  ret: number;
  /** modifiedIndex seen, or undefined for an absent key. */
  index: number | undefined;
}

export interface WorkloadOptions {
  endpoints: string[];
  clients: number;
  keys: string[];
  seed: number;
  timeoutMs: number;
  clock: RunClock;
  /** false sends the recorded "quorum" reads without quorum=true: a self-check that stale reads are caught. */
  quorumReads?: boolean;
}

interface Knowledge {
  value: string;
  index: number;
}

export class Workload {
  readonly ops: Operation[] = [];
  readonly defaultReads: DefaultRead[] = [];
  notSent = 0;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly opts: WorkloadOptions) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.opts.clients }, (_, c) => this.client(c, new Random(this.opts.seed * 1000 + c)));
  }

  /** Stops issuing operations and waits for those in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async client(c: number, rnd: Random): Promise<void> {
    const { endpoints, keys, clock, timeoutMs } = this.opts;
    const member = c % endpoints.length;
    const known = new Map<string, Knowledge>();
    let seq = 0;
    while (this.running) {
      const key = keys[Math.floor(rnd.next() * keys.length)]!;
      const k = known.get(key);
      const value = `c${c}-${++seq}`;
      const roll = rnd.next();
      if (roll < 0.1) {
        await this.defaultRead(c, member, key);
        continue;
      }
      const input: EtcdInput =
        roll < 0.35 ? { f: 'get' }
        : roll < 0.5 ? { f: 'set', value }
        : roll < 0.65 ? { f: 'cas-value', prevValue: k?.value ?? `c${c}-0`, value }
        : roll < 0.8 ? { f: 'cas-index', prevIndex: k?.index ?? 1, value }
        : roll < 0.9 ? { f: 'create', value }
        : { f: 'delete' };
      const call = clock.now();
      const reply = await send(endpoints[member]!, key, input, timeoutMs, this.opts.quorumReads ?? true);
      const ret = clock.now();
      if (reply.kind === 'not-sent') {
        this.notSent++;
        await sleep(100);
        continue;
      }
      const output = reply.kind === 'answer' ? classify(input, reply) : undefined;
      const note = `m${member + 1}${output === undefined ? `: ${reply.kind === 'answer' ? `${reply.status} ${JSON.stringify(reply.body).slice(0, 80)}` : reply.error}` : ''}`;
      this.ops.push({ id: this.ops.length, client: c, key, input, output, call, ret: output === undefined ? Infinity : ret, note });
      if (output?.ok && 'index' in output) {
        if (input.f === 'get' || input.f === 'delete') {
          if (input.f === 'get' && output.value !== undefined) known.set(key, { value: output.value, index: output.index });
          else known.delete(key);
        } else known.set(key, { value: input.value, index: output.index });
      }
      if (output === undefined) await sleep(50);
      else await sleep(rnd.next() * 5);
    }
  }

  private async defaultRead(c: number, member: number, key: string): Promise<void> {
    const { endpoints, clock, timeoutMs } = this.opts;
    const call = clock.now();
    const reply = await v2Request(endpoints[member]!, 'GET', key, {}, timeoutMs);
    const ret = clock.now();
    if (reply.kind !== 'answer') return void (await sleep(50));
    if (reply.status === 200) this.defaultReads.push({ client: c, key, member, call, ret, index: reply.body.node.modifiedIndex });
    else if (reply.body?.errorCode === 100) this.defaultReads.push({ client: c, key, member, call, ret, index: undefined });
  }
}

export function send(base: string, key: string, input: EtcdInput, timeoutMs: number, quorum = true): Promise<Reply> {
  switch (input.f) {
    case 'get':
      return v2Request(base, 'GET', key, quorum ? { quorum: true } : {}, timeoutMs);
    case 'set':
      return v2Request(base, 'PUT', key, { value: input.value }, timeoutMs);
    case 'cas-value':
      return v2Request(base, 'PUT', key, { value: input.value, prevValue: input.prevValue }, timeoutMs);
    case 'cas-index':
      return v2Request(base, 'PUT', key, { value: input.value, prevIndex: input.prevIndex }, timeoutMs);
    case 'create':
      return v2Request(base, 'PUT', key, { value: input.value, prevExist: false }, timeoutMs);
    case 'delete':
      return v2Request(base, 'DELETE', key, {}, timeoutMs);
  }
}

/** A definite answer, or undefined when the reply leaves the outcome unknown. */
export function classify(input: EtcdInput, reply: Extract<Reply, { kind: 'answer' }>): EtcdOutput | undefined {
  const { status, body } = reply;
  if ((status === 200 || status === 201) && body?.node && typeof body.node.modifiedIndex === 'number') {
    if (input.f === 'get') return typeof body.node.value === 'string' ? { ok: true, value: body.node.value, index: body.node.modifiedIndex } : undefined;
    return { ok: true, index: body.node.modifiedIndex };
  }
  const code = body?.errorCode;
  if (code === 100) return input.f === 'get' ? { ok: true, missing: true } : { ok: false, code: 100 };
  if (code === 101 || code === 105) return { ok: false, code };
  return undefined;
}
