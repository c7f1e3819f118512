// The proposal pipeline of one member: a waiter per proposal, the hand-over to raft (which
// forwards a follower's proposal to the leader), waiting for a leader when there is none,
// proposing membership changes again until they apply, and etcd's timeout answers.
import { ProposalDroppedError } from '../../raft/index.js';
import type { ConfChangeType, RawNode } from '../../raft/index.js';
import { EtcdError, ErrorCode } from '../store/types.js';
import { encodeCommand } from './commands.js';
import type { Command } from './commands.js';
import type { LeaderTracker } from './leader-tracker.js';
import { encodeMemberContext } from './membership.js';
import type { MemberContext } from './membership.js';
import type { Clock } from './seams.js';
import type { ApplyOutcome } from './state-machine.js';
import { Waiters } from './waiters.js';

export function timeoutError(cause = 'etcdserver: request timed out'): EtcdError {
  return new EtcdError(ErrorCode.RaftInternal, cause);
}

/** How long a leaderless member waits between attempts to hand a proposal to raft. */
const LEADER_POLL_MS = 100;

export interface ProposerOptions {
  selfId: string;
  clock: Clock;
  leader: LeaderTracker;
  /** Runs an action against raft (propose, proposeConfChange) and schedules its Ready. */
  withNode(fn: (node: RawNode) => void): void;
  requestTimeoutMs: number;
  electionTimeoutMs: number;
  /** A proposal timed out (etcd_server_proposals_failed_total). */
  onFailed(): void;
  logger: { warn(obj: object, msg: string): void };
}

export class Proposer {
  private readonly waiters: Waiters<ApplyOutcome | undefined>;
  private stopped = false;

  constructor(private readonly opts: ProposerOptions) {
    this.waiters = new Waiters(opts.clock);
  }

  /** Proposes the command `build` makes for its waiter's seq; resolves when this member has applied it. */
  propose(build: (seq: number) => Command): Promise<ApplyOutcome | undefined> {
    return this.submit((seq) => {
      const data = encodeCommand(build(seq));
      return (n) => n.propose(data);
    });
  }

  /**
   * A leader silently drops a peer's configuration change while another is pending (a new
   * leader counts its whole unapplied tail as pending), so a change not applied within an
   * election timeout is proposed again; the state machine ignores a change that commits twice.
   */
  async proposeConfChange(type: ConfChangeType, nodeId: string, ctx: MemberContext): Promise<void> {
    const build = (seq: number): ((node: RawNode) => void) => {
      const cc = { type, nodeId, context: encodeMemberContext({ ...ctx, proposer: { from: this.opts.selfId, seq } }) };
      return (n) => n.proposeConfChange(cc);
    };
    const outcome = await this.submit(build, this.opts.electionTimeoutMs);
    if (outcome && 'error' in outcome) throw outcome.error;
  }

  /** Proposals of this member still waiting to be applied (etcd_server_proposals_pending). */
  get pending(): number {
    return this.waiters.size;
  }

  /** The state machine applied a command this member proposed. */
  applied(seq: number, outcome: ApplyOutcome | undefined): void {
    this.waiters.trigger(seq, outcome);
  }

  /** Fails every waiting proposal and stops waiting for leaders. */
  stop(err: unknown): void {
    this.stopped = true;
    this.waiters.failAll(err);
  }

  private async submit(build: (seq: number) => (node: RawNode) => void, reproposeEveryMs?: number): Promise<ApplyOutcome | undefined> {
    const { clock, requestTimeoutMs } = this.opts;
    const sentAt = clock.now();
    const { seq, done } = this.waiters.register(requestTimeoutMs, () => {
      this.opts.onFailed();
      return this.timeoutFor(sentAt);
    });
    // With no leader, offer() can still be waiting for one when the waiter's deadline passes:
    // its rejection is collected by `await done` below, and must not count as unhandled meanwhile
    // (an unhandled rejection ends the process).
    done.catch(() => undefined);
    const proposeTo = build(seq);
    const deadline = sentAt + requestTimeoutMs;
    await this.offer(proposeTo, deadline);
    if (reproposeEveryMs !== undefined) {
      this.reproposeUntilSettled(done, proposeTo, deadline, reproposeEveryMs).catch((err) =>
        this.opts.logger.warn({ err: String(err) }, 'proposing again failed'),
      );
    }
    return done;
  }

  /**
   * Hands a proposal to raft. Without a leader raft refuses at once; wait for one (an election
   * takes about one election timeout) rather than failing a write that could succeed moments later.
   */
  private async offer(proposeTo: (node: RawNode) => void, deadline: number): Promise<void> {
    const { clock, leader } = this.opts;
    while (!this.stopped) {
      try {
        this.opts.withNode(proposeTo);
        return;
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
        const left = deadline - clock.now();
        if (left <= 0) return;
        await leader.changeOrDelay(Math.min(LEADER_POLL_MS, left));
      }
    }
  }

  private async reproposeUntilSettled(done: Promise<unknown>, proposeTo: (node: RawNode) => void, deadline: number, everyMs: number): Promise<void> {
    const { clock } = this.opts;
    let settled = false;
    done.then(() => (settled = true), () => (settled = true));
    while (!this.stopped && clock.now() < deadline) {
      await new Promise<void>((r) => clock.setTimeout(r, everyMs));
      if (settled) return;
      await this.offer(proposeTo, deadline);
    }
  }

  /**
   * etcd's answer to a proposal that timed out: it names the likely cause when a new leader was
   * elected after the proposal was made (a proposal forwarded to a leader that died is lost).
   */
  private timeoutFor(sentAt: number): EtcdError {
    const elected = this.opts.leader.leaderSince;
    if (elected !== undefined && sentAt > elected - 2 * this.opts.electionTimeoutMs && sentAt < elected) {
      return timeoutError('etcdserver: request timed out, possibly due to previous leader failure');
    }
    return timeoutError();
  }
}
