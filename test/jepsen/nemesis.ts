// Faults against a ProxiedCluster of any size, one at a time: each is applied, held for longer
// than an election timeout, then healed. Where a fault hits "a minority" it is one member of
// three, one or two of five. Every step is logged with its time for the run report.
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import { sleep } from '../../bench/harness/wait.js';
import type { Random } from '../sim/random.js';
import type { RunClock } from './clock.js';
import type { LinkMode } from './fault-proxy.js';
import { replaceMember } from './member-replacement.js';
import type { ProxiedCluster } from './proxied-cluster.js';

export const FAULT_KINDS = [
  'kill', // kill -9 a minority (the leader in it half the time), restart on the same data
  'pause', // SIGSTOP a minority for several election timeouts, then SIGCONT
  'partition-minority', // a minority cut off from the rest
  'isolate-leader', // the current leader cut off
  'bridge', // two halves cannot talk; one member talks to both
  'one-way', // the leader's outbound links dropped: it still hears the others
  'delay', // every link slowed by more than the heartbeat interval
  'kill-all', // every member killed at once, then all restarted
  'leader-kills', // every few seconds: find the leader, kill -9, restart it a little later; 2 to 4 times
  'kill-watched', // kill -9 the member a watcher is polling: it must resume elsewhere and miss nothing
  'replace-member', // remove a member, add it back on an empty data dir (joins as a learner, promoted)
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface NemesisEvent {
  atMs: number;
  what: string;
}

/** What a fault kept in its own file uses of the nemesis. */
export interface FaultTools {
  log(what: string): void;
  between(lo: number, hi: number): number;
}

export class Nemesis implements FaultTools {
  readonly events: NemesisEvent[] = [];
  readonly counts = new Map<FaultKind, number>();

  constructor(
    private readonly cluster: ProxiedCluster,
    private readonly rnd: Random,
    private readonly clock: RunClock,
    /** The members the watchers are polling now (for kill-watched). */
    private readonly watchedMembers: () => number[] = () => [],
  ) {}

  log(what: string): void {
    this.events.push({ atMs: Math.round(this.clock.ms()), what });
  }

  between(lo: number, hi: number): number {
    return lo + this.rnd.next() * (hi - lo);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd.next() * xs.length)]!;
  }

  private shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.rnd.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  private get all(): number[] {
    return this.cluster.processes.members.map((_, i) => i);
  }

  private names(xs: readonly number[]): string {
    return xs.map((i) => this.cluster.processes.members[i]!.name).join(' ');
  }

  /** How many members make a minority to hit: 1 of 3; 1 or 2 of 5. */
  private minoritySize(): number {
    return 1 + Math.floor(this.rnd.next() * Math.floor((this.all.length - 1) / 2));
  }

  /** A minority to hit, with the leader in it half the time (when there is one). */
  private async minority(): Promise<number[]> {
    const size = this.minoritySize();
    const order = this.shuffle(this.all);
    if (this.rnd.next() < 0.5) {
      const leader = await this.cluster.processes.leader().catch(() => -1);
      if (leader >= 0) order.unshift(...order.splice(order.indexOf(leader), 1));
    }
    return order.slice(0, size);
  }

  private cut(): LinkMode {
    return this.rnd.next() < 0.5 ? { kind: 'drop' } : { kind: 'blackhole' };
  }

  /** Runs faults until `deadlineMs` (run clock): every kind once in a shuffled order, then at random. */
  async run(deadlineMs: number, kinds: readonly FaultKind[] = FAULT_KINDS): Promise<void> {
    const order = this.shuffle(kinds);
    const election = this.cluster.processes.settings.electionMs;
    while (this.clock.ms() < deadlineMs) {
      await sleep(this.between(500, 1500));
      if (this.clock.ms() >= deadlineMs) break;
      const kind = order.shift() ?? this.pick(kinds);
      this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
      await this.fault(kind, this.between(3 * election, 8 * election));
    }
  }

  async fault(kind: FaultKind, holdMs: number): Promise<void> {
    const c = this.cluster;
    const p = c.processes;
    const all = this.all;
    const rest = (xs: number[]): number[] => all.filter((x) => !xs.includes(x));
    switch (kind) {
      case 'kill':
        return this.killFor(await this.minority(), holdMs, '');
      case 'kill-watched': {
        const watched = this.watchedMembers().filter((i) => i >= 0);
        if (watched.length === 0) return this.killFor([this.pick(all)], holdMs, ' (no watcher polling now)');
        return this.killFor([this.pick(watched)], holdMs, ', which a watcher is polling');
      }
      case 'pause': {
        const xs = await this.minority();
        this.log(`SIGSTOP ${this.names(xs)} for ${Math.round(holdMs)} ms`);
        for (const i of xs) p.pause(i);
        await sleep(holdMs);
        this.log(`SIGCONT ${this.names(xs)}`);
        for (const i of xs) p.resume(i);
        return;
      }
      case 'partition-minority':
      case 'isolate-leader': {
        const leader = kind === 'isolate-leader' ? await p.leader().catch(() => -1) : -1;
        const xs = leader >= 0 ? [leader] : this.shuffle(all).slice(0, this.minoritySize());
        const mode = this.cut();
        this.log(`${kind}: ${this.names(xs)} | ${this.names(rest(xs))} (${mode.kind})`);
        c.partition(xs, rest(xs), mode);
        break;
      }
      case 'bridge': {
        const [bridge, ...others] = this.shuffle(all) as [number, ...number[]];
        const a = others.slice(0, others.length >> 1);
        const b = others.slice(others.length >> 1);
        const mode = this.cut();
        this.log(`bridge: ${this.names(a)} x ${this.names(b)}, all see ${p.members[bridge]!.name} (${mode.kind})`);
        c.partition(a, b, mode);
        break;
      }
      case 'one-way': {
        let i = await p.leader().catch(() => -1);
        if (i < 0) i = this.pick(all);
        this.log(`one-way: ${p.members[i]!.name} cannot send (still receives)`);
        for (const j of rest([i])) c.setLink(i, j, { kind: 'drop' });
        break;
      }
      case 'delay': {
        const delayMs = Math.round(this.between(60, 250));
        this.log(`delay every peer link by ${delayMs} ms`);
        for (const i of all) for (const j of rest([i])) c.setLink(i, j, { kind: 'delay', delayMs });
        break;
      }
      case 'kill-all': {
        this.log('kill -9 every member');
        await Promise.all(all.map((i) => p.kill(i)));
        await sleep(this.between(500, 2000));
        this.log('restart every member');
        for (const i of all) p.spawn(i);
        return;
      }
      case 'leader-kills':
        return this.leaderKills(p.settings.electionMs);
      case 'replace-member': {
        const leader = await p.waitForLeader(CLUSTER_WAIT_MS);
        const i = this.rnd.next() < 0.5 ? leader : this.pick(all);
        return replaceMember(c, i, this.pick(rest([i])), this.rnd.next() < 0.5, this);
      }
    }
    await sleep(holdMs);
    this.log('heal network');
    c.healNetwork();
  }

  private async killFor(xs: number[], holdMs: number, why: string): Promise<void> {
    const p = this.cluster.processes;
    this.log(`kill -9 ${this.names(xs)}${why}`);
    await Promise.all(xs.map((i) => p.kill(i)));
    await sleep(holdMs);
    this.log(`restart ${this.names(xs)}`);
    for (const i of xs) p.spawn(i);
  }

  /** The leader killed, restarted after a few election timeouts, and again a few seconds later. */
  private async leaderKills(electionMs: number): Promise<void> {
    const p = this.cluster.processes;
    const rounds = 2 + Math.floor(this.rnd.next() * 3);
    for (let r = 1; r <= rounds; r++) {
      const i = await p.waitForLeader(CLUSTER_WAIT_MS);
      const name = p.members[i]!.name;
      this.log(`kill -9 leader ${name} (${r} of ${rounds})`);
      await p.kill(i);
      await sleep(this.between(2 * electionMs, 5 * electionMs));
      this.log(`restart ${name}`);
      p.spawn(i);
      if (r < rounds) await sleep(this.between(1000, 2500));
    }
  }

  /** Ends every fault: network healed, paused members resumed, dead ones restarted. */
  healAll(): void {
    const p = this.cluster.processes;
    this.cluster.healNetwork();
    p.members.forEach((_, i) => {
      p.resume(i);
      if (!p.isRunning(i)) p.spawn(i);
    });
    this.log('heal all');
  }
}
