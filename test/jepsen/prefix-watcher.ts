// A client watching a directory through whichever member it can reach, as a v2 client given
// every endpoint does: it long-polls (wait=true&recursive=true&waitIndex=<next>), one event per
// request, and when its member stops answering (killed, removed, restarting) it resumes on
// another from the index after the last event it saw. (Not stream=true: as in etcd, a stream
// whose first event comes from the history delivers that one event and then nothing more.)
// A member answering 401 (its event history no longer reaches back that far: one that just
// joined, say) is passed over; only when every member answers 401 has the watcher missed
// events, and the gap is recorded.
import { Agent, request } from 'node:http';
import type { ClientRequest } from 'node:http';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import type { Random } from '../sim/random.js';
import type { RunClock } from './clock.js';

export interface WatchedEvent {
  index: number;
  action: string;
  key: string;
  value?: string;
  /** The node the event replaced (etcd's prevNode). */
  prev?: { value?: string; index: number };
  /** The member that delivered it, and when (run clock). */
  member: number;
  atMs: number;
}

export interface Resumption {
  atMs: number;
  from: number;
  to: number;
  /** The waitIndex resumed from. */
  index: number;
  /** The member had been killed or removed (its process was not running). */
  memberGone: boolean;
}

export interface WatchGap {
  atMs: number;
  /** Events from..to (inclusive) could not be had from any member. */
  from: number;
  to: number;
}

type PollEnd = { kind: 'event'; line: string } | { kind: 'lost' } | { kind: 'refused' } | { kind: 'cleared'; current: number } | { kind: 'error'; error: string };

export class PrefixWatcher {
  readonly events: WatchedEvent[] = [];
  readonly resumptions: Resumption[] = [];
  readonly gaps: WatchGap[] = [];
  /** Answers that were not an event: each one is a failure of the run. */
  readonly unreadable: string[] = [];
  /** The member polled now; -1 between polls. */
  member = -1;
  private next = 0;
  private running = false;
  private request: ClientRequest | undefined;
  private loop: Promise<void> = Promise.resolve();
  /** One kept-alive connection at a time: a poll per event would otherwise open thousands. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    readonly name: string,
    private readonly endpoints: string[],
    private readonly dir: string,
    private readonly rnd: Random,
    private readonly clock: RunClock,
    /** Whether member i's process is running (to tell a killed member from a poll lost otherwise). */
    private readonly isRunning: (i: number) => boolean,
  ) {}

  /** Starts watching from `fromIndex`. */
  start(fromIndex: number): void {
    this.next = fromIndex;
    this.running = true;
    this.loop = this.run();
  }

  /** Waits until the watcher has seen an event at `index` or later. */
  async reach(index: number, timeoutMs: number): Promise<void> {
    await waitFor(`watcher ${this.name} to see index ${index} (at ${this.next - 1}, polling m${this.member + 1})`, () => this.next > index, timeoutMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.request?.destroy();
    await this.loop;
    this.agent.destroy();
  }

  private async run(): Promise<void> {
    let member = Math.floor(this.rnd.next() * this.endpoints.length);
    let cleared = new Set<number>();
    let current = 0;
    while (this.running) {
      const end = await this.poll(member);
      if (!this.running) return;
      if (end.kind === 'event') {
        this.record(end.line, member);
        cleared = new Set(); // progress: every member may serve the new index
        continue;
      }
      if (end.kind === 'cleared') {
        cleared.add(member);
        current = Math.max(current, end.current);
        if (cleared.size === this.endpoints.length) {
          this.gaps.push({ atMs: Math.round(this.clock.ms()), from: this.next, to: current });
          this.next = current + 1;
          cleared = new Set();
        }
      }
      const others = this.endpoints.map((_, i) => i).filter((i) => i !== member && !cleared.has(i));
      const to = others.length > 0 ? others[Math.floor(this.rnd.next() * others.length)]! : member;
      if (end.kind === 'lost') this.resumptions.push({ atMs: Math.round(this.clock.ms()), from: member, to, index: this.next, memberGone: !this.isRunning(member) });
      member = to;
      await sleep(end.kind === 'lost' ? 10 : 50);
    }
  }

  /** One long poll for the next event. */
  private poll(member: number): Promise<PollEnd> {
    const url = `${this.endpoints[member]}/v2/keys${this.dir}?wait=true&recursive=true&waitIndex=${this.next}`;
    return new Promise((resolve) => {
      let settled = false;
      const done = (end: PollEnd): void => {
        if (settled) return;
        settled = true;
        this.member = -1;
        this.request = undefined;
        resolve(end);
      };
      const req = request(url, { agent: this.agent }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode === 200 && text !== '') return done({ kind: 'event', line: text.trim() });
          const body = parse(text);
          if (res.statusCode === 200) done({ kind: 'lost' }); // headers sent, then the member went away
          else if (body?.errorCode === 401) done({ kind: 'cleared', current: Number(body.index) });
          else done({ kind: 'error', error: `${res.statusCode} ${text.slice(0, 80)}` });
        });
        res.on('error', () => done({ kind: 'lost' }));
        res.on('close', () => done({ kind: 'lost' }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'lost' }));
      req.end();
      this.member = member;
      this.request = req;
    });
  }

  private record(line: string, member: number): void {
    const ev = parse(line);
    const node = ev?.node;
    if (typeof node?.modifiedIndex !== 'number' || typeof node.key !== 'string') return void this.unreadable.push(`m${member + 1}: ${line.slice(0, 200)}`);
    const prev = ev.prevNode ? { value: ev.prevNode.value, index: ev.prevNode.modifiedIndex } : undefined;
    this.events.push({ index: node.modifiedIndex, action: ev.action, key: node.key, value: node.value, prev, member, atMs: Math.round(this.clock.ms()) });
    this.next = Math.max(this.next, node.modifiedIndex + 1);
  }
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
