// The mirroring of `raftkv migrate`: every change etcd makes after the copy, read with recursive
// long polls from the index after the last one (a stream would skip events already in etcd's
// history) and applied in raftkv at its own index, in batches while raftkv is behind. Ends at
// the cut-over (at --until-index, when given), or when etcd's history no longer holds the next
// index (the copy starts again).
import type { CopiedEvent } from '../src/store/copied-node.js';
import type { Cluster } from './migrate-http.js';
import { errorBody } from './migrate-http.js';
import type { Target } from './migrate-target.js';

/** At cut-over every event through etcd's index is in its history, so a poll for one answers at once. */
const DRAIN_WAIT_MS = 2000;
const EVENTS_PER_STEP = 500;

export type MirrorEnd = 'cut-over' | 'history-cleared';

export interface MirrorOptions {
  source: Cluster;
  target: Target;
  /** The index the copy was read at. */
  from: number;
  /** --until-index: no event past it is applied, and the cut-over is there once etcd reaches it. */
  until: number | undefined;
  /** Aborted when the operator cuts over (a signal, or etcd's index reaching --until-index). */
  cutOver: AbortSignal;
  /** Runs before the cut-over's finish step, all events through `through` applied. */
  beforeFinish(through: number): Promise<void>;
  log(message: string): void;
}

type Polled = CopiedEvent | 'history-cleared' | 'no-event';

export class Mirror {
  /** The next index to ask etcd for. */
  private next: number;
  private readonly pending: CopiedEvent[] = [];
  private sending: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Aborted when a step fails, so a quiet etcd does not leave the failure unread behind a long poll. */
  private readonly failed = new AbortController();
  events = 0;
  /** raftkv's store index after the last step. */
  targetIndex: number;

  constructor(private readonly o: MirrorOptions) {
    this.next = o.from + 1;
    this.targetIndex = o.from;
  }

  async run(): Promise<MirrorEnd> {
    const { source, cutOver } = this.o;
    const until = this.o.until ?? Infinity;
    const stop = AbortSignal.any([cutOver, this.failed.signal]);
    let later: number | undefined; // the index of an event past the cut-over, once one is seen
    while (!cutOver.aborted && this.next <= until) {
      const polled = await this.poll(stop).catch((err: unknown) => {
        if (this.failure !== undefined) throw this.failure;
        if (cutOver.aborted) return 'no-event' as const;
        throw err;
      });
      if (polled === 'history-cleared') return polled;
      if (polled === 'no-event') continue;
      if (polled.node.modifiedIndex > until) {
        later = polled.node.modifiedIndex;
        break;
      }
      this.take(polled);
    }
    const now = await source.request('/v2/keys/?quorum=true');
    const through = Math.min(now.etcdIndex ?? this.next - 1, until);
    while (later === undefined && this.next <= through) {
      const polled = await this.poll(AbortSignal.timeout(DRAIN_WAIT_MS)).catch(() => 'no-event' as const);
      if (polled === 'history-cleared') return polled;
      if (polled === 'no-event') break;
      if (polled.node.modifiedIndex > through) later = polled.node.modifiedIndex;
      else this.take(polled);
    }
    const reached = Math.max(later ?? 0, now.etcdIndex ?? 0);
    if (reached > through) this.o.log(`etcd took writes after the cut-over at ${through} (it reached index ${reached}); they are not copied`);
    await this.flushed();
    const index = Math.max(through, this.next - 1);
    await this.o.beforeFinish(index);
    this.targetIndex = await this.o.target.step({ op: 'finish', index });
    return 'cut-over';
  }

  /** etcd's next event from `next` on, of the whole (visible) key space. */
  private async poll(signal: AbortSignal): Promise<Polled> {
    const answer = await this.o.source.request(`/v2/keys/?wait=true&recursive=true&waitIndex=${this.next}`, {}, signal);
    const err = errorBody(answer.text);
    if (err?.errorCode === 401) return 'history-cleared';
    // 400: etcd dropped its watchers (a snapshot install); an empty body: the member ended the watch.
    if (err?.errorCode === 400 || answer.text === '') return 'no-event';
    if (answer.status !== 200 || err !== undefined) throw new Error(`etcd answered a watch from ${this.next} with ${answer.status}: ${answer.text.slice(0, 300)}`);
    const { action, node, prevNode } = JSON.parse(answer.text) as CopiedEvent;
    return prevNode === undefined ? { action, node } : { action, node, prevNode };
  }

  private take(ev: CopiedEvent): void {
    if (this.failure !== undefined) throw this.failure;
    this.pending.push(ev);
    this.next = ev.node.modifiedIndex + 1;
    this.sending = this.sending.then(() => this.send()).catch((err: unknown) => {
      this.failure ??= err;
      this.failed.abort();
    });
  }

  /** Sends what is pending (a later call finds nothing left when an earlier took it all). */
  private async send(): Promise<void> {
    while (this.pending.length > 0) {
      const events = this.pending.splice(0, EVENTS_PER_STEP);
      this.targetIndex = await this.o.target.step({ op: 'events', events });
      this.events += events.length;
    }
  }

  private async flushed(): Promise<void> {
    await this.sending;
    if (this.failure !== undefined) throw this.failure;
  }
}
