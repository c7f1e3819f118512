// Concurrent clients on a handful of keys doing set, compare-and-swap by prevValue and by
// prevIndex, create, delete and quorum reads, plus POSTs that append in-order keys to a queue
// directory — each recorded with its invocation and completion time and its answer — and a
// sample of default (local, possibly stale) reads kept aside.
//
// Every write carries a value no other write uses (client and sequence number), so a write
// applied twice, or applied although it was answered as failed, shows in the watched events
// and the queue's listing. By default half the clients send each operation to a member chosen
// at random, as a client given every endpoint spreads its requests, and half stay with one
// member (see EndpointChoice). Not all random: under a partition, a random client soon waits out
// a timeout on the cut-off member, and with every client doing so the majority saw 3 to 5 times
// fewer operations than with fixed clients. A small share of writes is abandoned by its client
// once sent.
import { sleep } from '../../bench/harness/wait.js';
import { Random } from '../sim/random.js';
import type { RunClock } from './clock.js';
import { v2Request } from './etcd-client.js';
import type { Reply } from './etcd-client.js';
import type { AppendOp, EtcdInput, EtcdOutput, Operation } from './history.js';

export interface DefaultRead {
  client: number;
  key: string;
  member: number;
  call: number;
  ret: number;
  /** modifiedIndex seen, or undefined for an absent key. */
  index: number | undefined;
}

/**
 * How a client picks the member for each operation: 'fixed' — client c always asks member c mod
 * n; 'random' — a member at random each time, as a client given every endpoint spreads its
 * requests; 'mixed' — odd clients random, even ones fixed.
 */
export type EndpointChoice = 'fixed' | 'random' | 'mixed';

export interface WorkloadOptions {
  endpoints: string[];
  clients: number;
  keys: string[];
  /** The directory the in-order POSTs append to. */
  queueDir: string;
  seed: number;
  timeoutMs: number;
  clock: RunClock;
  /** false sends the recorded "quorum" reads without quorum=true: a self-check that stale reads are caught. */
  quorumReads?: boolean;
  /** 'mixed' by default. */
  endpointChoice?: EndpointChoice;
  /** Share of writes the client disconnects from after sending (0.02 by default). */
  abortRate?: number;
  /**
   * A self-check of the duplicate checks: a write whose outcome is unknown is sent once more, as
   * the same operation, as a careless client library would. When the first was applied, the
   * run must fail (a value applied twice, or a create answered 105 although it was applied).
   */
  unsafeRetries?: boolean;
}

interface Knowledge {
  value: string;
  index: number;
}

type Step = { kind: 'default-read' } | { kind: 'append' } | { kind: 'op'; input: EtcdInput };

export class Workload {
  readonly ops: Operation[] = [];
  readonly appends: AppendOp[] = [];
  readonly defaultReads: DefaultRead[] = [];
  notSent = 0;
  aborted = 0;
  /** Writes sent a second time (unsafeRetries). */
  resent = 0;
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
    const choice = this.opts.endpointChoice ?? 'mixed';
    const random = choice === 'random' || (choice === 'mixed' && c % 2 === 1);
    const known = new Map<string, Knowledge>();
    let seq = 0;
    while (this.running) {
      const member = random ? Math.floor(rnd.next() * endpoints.length) : c % endpoints.length;
      const key = keys[Math.floor(rnd.next() * keys.length)]!;
      const value = `c${c}-${++seq}`;
      const step = nextStep(rnd, known.get(key), value, c);
      if (step.kind === 'default-read') {
        await this.defaultRead(c, member, key);
        continue;
      }
      const abortAfterMs = rnd.next() < (this.opts.abortRate ?? 0.02) ? Math.floor(rnd.next() * 20) : undefined;
      const issue = (to: number, abort: number | undefined): Promise<Reply> =>
        step.kind === 'append'
          ? v2Request(endpoints[to]!, 'POST', this.opts.queueDir, { value }, timeoutMs, abort)
          : send(endpoints[to]!, key, step.input, timeoutMs, this.opts.quorumReads ?? true, step.input.f === 'get' ? undefined : abort);
      const call = clock.now();
      let reply = await issue(member, abortAfterMs);
      if (reply.kind === 'not-sent') {
        this.notSent++;
        await sleep(random ? 50 : 100); // a random next member is likely up
        continue;
      }
      if (reply.kind === 'unknown' && reply.error.startsWith('client disconnected')) this.aborted++;
      if (this.opts.unsafeRetries && reply.kind === 'unknown' && !(step.kind === 'op' && step.input.f === 'get')) {
        this.resent++;
        reply = await issue((member + 1) % endpoints.length, undefined);
      }
      const ret = clock.now();
      const definite = step.kind === 'append' ? this.recordAppend(c, member, value, reply, call, ret) : this.recordOp(c, member, key, step.input, reply, call, ret, known);
      await sleep(definite ? rnd.next() * 5 : 50);
    }
  }

  /** Records one key operation; true when its answer was definite. */
  private recordOp(c: number, member: number, key: string, input: EtcdInput, reply: Reply, call: number, ret: number, known: Map<string, Knowledge>): boolean {
    const output = reply.kind === 'answer' ? classify(input, reply) : undefined;
    this.ops.push({ id: this.ops.length, client: c, key, input, output, call, ret: output === undefined ? Infinity : ret, note: note(member, output === undefined, reply) });
    if (output?.ok && 'index' in output) {
      if (input.f === 'get' || input.f === 'delete') {
        if (input.f === 'get' && output.value !== undefined) known.set(key, { value: output.value, index: output.index });
        else known.delete(key);
      } else known.set(key, { value: input.value, index: output.index });
    }
    return output !== undefined;
  }

  private recordAppend(c: number, member: number, value: string, reply: Reply, call: number, ret: number): boolean {
    const node = reply.kind === 'answer' && reply.status === 201 ? reply.body?.node : undefined;
    const output = typeof node?.key === 'string' && typeof node.modifiedIndex === 'number' ? { key: node.key as string, index: node.modifiedIndex as number } : undefined;
    this.appends.push({ id: this.appends.length, client: c, value, output, call, ret: output === undefined ? Infinity : ret, note: note(member, output === undefined, reply) });
    return output !== undefined;
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

/** The operation mix: 10% default reads, 22% quorum reads, writes of every kind, 12% appends. */
function nextStep(rnd: Random, k: Knowledge | undefined, value: string, c: number): Step {
  const roll = rnd.next();
  if (roll < 0.1) return { kind: 'default-read' };
  if (roll < 0.32) return { kind: 'op', input: { f: 'get' } };
  if (roll < 0.45) return { kind: 'op', input: { f: 'set', value } };
  if (roll < 0.58) return { kind: 'op', input: { f: 'cas-value', prevValue: k?.value ?? `c${c}-0`, value } };
  if (roll < 0.71) return { kind: 'op', input: { f: 'cas-index', prevIndex: k?.index ?? 1, value } };
  if (roll < 0.8) return { kind: 'op', input: { f: 'create', value } };
  if (roll < 0.88) return { kind: 'op', input: { f: 'delete' } };
  return { kind: 'append' };
}

function note(member: number, indeterminate: boolean, reply: Reply): string {
  if (!indeterminate) return `m${member + 1}`;
  return `m${member + 1}: ${reply.kind === 'answer' ? `${reply.status} ${JSON.stringify(reply.body).slice(0, 80)}` : reply.kind === 'unknown' ? reply.error : ''}`;
}

export function send(base: string, key: string, input: EtcdInput, timeoutMs: number, quorum = true, abortAfterMs?: number): Promise<Reply> {
  switch (input.f) {
    case 'get':
      return v2Request(base, 'GET', key, quorum ? { quorum: true } : {}, timeoutMs);
    case 'set':
      return v2Request(base, 'PUT', key, { value: input.value }, timeoutMs, abortAfterMs);
    case 'cas-value':
      return v2Request(base, 'PUT', key, { value: input.value, prevValue: input.prevValue }, timeoutMs, abortAfterMs);
    case 'cas-index':
      return v2Request(base, 'PUT', key, { value: input.value, prevIndex: input.prevIndex }, timeoutMs, abortAfterMs);
    case 'create':
      return v2Request(base, 'PUT', key, { value: input.value, prevExist: false }, timeoutMs, abortAfterMs);
    case 'delete':
      return v2Request(base, 'DELETE', key, {}, timeoutMs, abortAfterMs);
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
