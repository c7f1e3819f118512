// Faults against a ProxiedCluster, one at a time: each is applied, held for longer than an
// election timeout, then healed. Every step is logged with its time for the run report.
import { sleep } from '../../bench/harness/wait.js';
import type { Random } from '../sim/random.js';
import type { RunClock } from './clock.js';
import type { LinkMode } from './fault-proxy.js';
import type { ProxiedCluster } from './proxied-cluster.js';

export const FAULT_KINDS = [
  'kill', // kill -9 one member (leader or follower), restart it on the same data
  'pause', // SIGSTOP one member for several election timeouts, then SIGCONT
  'partition-minority', // one member cut off from the other two (majority/minority split)
  'isolate-leader', // the current leader cut off
  'bridge', // two members cannot talk; the third talks to both
  'one-way', // the leader's outbound links dropped: it still hears the others
  'delay', // every link slowed by more than the heartbeat interval
  'kill-all', // every member killed at once, then all restarted
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface NemesisEvent {
  atMs: number;
  what: string;
}

export class Nemesis {
  readonly events: NemesisEvent[] = [];
  readonly counts = new Map<FaultKind, number>();

  constructor(
    private readonly cluster: ProxiedCluster,
    private readonly rnd: Random,
    private readonly clock: RunClock,
  ) {}

  private log(what: string): void {
    this.events.push({ atMs: Math.round(this.clock.ms()), what });
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd.next() * xs.length)]!;
  }

  private between(lo: number, hi: number): number {
    return lo + this.rnd.next() * (hi - lo);
  }

  private cut(): LinkMode {
    return this.rnd.next() < 0.5 ? { kind: 'drop' } : { kind: 'blackhole' };
  }

  /** A member to hit: the leader half the time (when there is one), else any. */
  private async target(): Promise<number> {
    const all = this.cluster.processes.members.map((_, i) => i);
    if (this.rnd.next() < 0.5) {
      const leader = await this.cluster.processes.leader().catch(() => -1);
      if (leader >= 0) return leader;
    }
    return this.pick(all);
  }

  /** Runs faults until `deadlineMs` (run clock): every kind once in a shuffled order, then at random. */
  async run(deadlineMs: number, kinds: readonly FaultKind[] = FAULT_KINDS): Promise<void> {
    const order = [...kinds].sort(() => this.rnd.next() - 0.5);
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
    const all = p.members.map((_, i) => i);
    const others = (i: number): number[] => all.filter((x) => x !== i);
    switch (kind) {
      case 'kill': {
        const i = await this.target();
        this.log(`kill -9 ${p.members[i]!.name}`);
        await p.kill(i);
        await sleep(holdMs);
        this.log(`restart ${p.members[i]!.name}`);
        p.spawn(i);
        return;
      }
      case 'pause': {
        const i = await this.target();
        this.log(`SIGSTOP ${p.members[i]!.name} for ${Math.round(holdMs)} ms`);
        p.pause(i);
        await sleep(holdMs);
        this.log(`SIGCONT ${p.members[i]!.name}`);
        p.resume(i);
        return;
      }
      case 'partition-minority':
      case 'isolate-leader': {
        let i = kind === 'isolate-leader' ? await p.leader().catch(() => -1) : this.pick(all);
        if (i < 0) i = this.pick(all);
        const mode = this.cut();
        this.log(`${kind}: ${p.members[i]!.name} | ${others(i).map((x) => p.members[x]!.name).join(' ')} (${mode.kind})`);
        c.partition([i], others(i), mode);
        break;
      }
      case 'bridge': {
        const bridge = this.pick(all);
        const [a, b] = others(bridge) as [number, number];
        const mode = this.cut();
        this.log(`bridge: ${p.members[a]!.name} x ${p.members[b]!.name}, both see ${p.members[bridge]!.name} (${mode.kind})`);
        c.partition([a], [b], mode);
        break;
      }
      case 'one-way': {
        let i = await p.leader().catch(() => -1);
        if (i < 0) i = this.pick(all);
        this.log(`one-way: ${p.members[i]!.name} cannot send (still receives)`);
        for (const j of others(i)) c.setLink(i, j, { kind: 'drop' });
        break;
      }
      case 'delay': {
        const delayMs = Math.round(this.between(60, 250));
        this.log(`delay every peer link by ${delayMs} ms`);
        for (const i of all) for (const j of others(i)) c.setLink(i, j, { kind: 'delay', delayMs });
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
    }
    await sleep(holdMs);
    this.log('heal network');
    c.healNetwork();
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
