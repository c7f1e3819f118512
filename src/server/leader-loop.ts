// A leader's periodic proposal of an entry nobody waits on (a SYNC, the cluster version): every
// interval, while this member leads and `next` names a command, propose it — at most once per
// interval, since no waiter says whether the last one landed.
import type { RawNode } from '../../raft/index.js';
import type { Command } from './commands.js';
import { encodeCommand } from './commands.js';
import type { Clock, Timer } from './seams.js';

export interface LeaderLoopOptions {
  clock: Clock;
  intervalMs: number;
  isLeader(): boolean;
  withNode(fn: (node: RawNode) => void): void;
  /** What to propose now (clock ms), or nothing. */
  next(now: number): Command | undefined;
  onProposed?(cmd: Command): void;
}

export class LeaderLoop {
  private timer: Timer | undefined;
  private lastProposedAt = -Infinity;

  constructor(private readonly opts: LeaderLoopOptions) {}

  start(): void {
    this.timer = this.opts.clock.setInterval(() => this.maybePropose(), this.opts.intervalMs);
  }

  stop(): void {
    this.opts.clock.clearTimer(this.timer);
  }

  /** Propose at once if due, whatever was proposed before (after the Ready being handled). */
  proposeNow(): void {
    this.lastProposedAt = -Infinity;
    this.opts.clock.defer(() => this.maybePropose());
  }

  private maybePropose(): void {
    const now = this.opts.clock.now();
    if (!this.opts.isLeader() || now - this.lastProposedAt < this.opts.intervalMs) return;
    const cmd = this.opts.next(now);
    if (cmd === undefined) return;
    try {
      this.opts.withNode((n) => n.propose(encodeCommand(cmd)));
      this.lastProposedAt = now;
      this.opts.onProposed?.(cmd);
    } catch {
      // Lost leadership in between; the next leader proposes.
    }
  }
}
