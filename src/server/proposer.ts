// The proposal pipeline of one member: a request id and a waiter per proposal, the hand-over to
// raft (which forwards a follower's proposal to the leader), waiting for a leader when there is
// none, offering every unanswered proposal again to each new leader (a forwarded proposal dies
// with the leader it went to; the state machine applies one copy), proposing membership changes
// again until they apply, failing at once while the member knows it is cut off from the quorum,
// and etcd's timeout answers.
import { ProposalDroppedError } from '../../raft/index.js';
import type { ConfChangeType, RawNode } from '../../raft/index.js';
import type { EtcdError } from '../store/types.js';
import { encodeCommand } from './commands.js';
import type { AwaitedCommand } from './commands.js';
import { TIMED_OUT_CONNECTION_LOST, TIMED_OUT_LEADER_FAILED, timeoutError } from './etcd-timeouts.js';
import type { LeaderTracker } from './leader-tracker.js';
import { encodeMemberContext } from './membership.js';
import type { MemberContext } from './membership.js';
import type { LoggedRequestId, RequestId, RequestKey } from './request-id.js';
import type { Clock } from './seams.js';
import type { ApplyOutcome } from './state-machine.js';
import { Waiters } from './waiters.js';

/** How long a leaderless member waits between attempts to hand a proposal to raft. */
const LEADER_POLL_MS = 100;

export interface ProposerOptions {
  selfId: string;
  /** This process's run (see RequestId). */
  run: number;
  clock: Clock;
  leader: LeaderTracker;
  /** Runs an action against raft (propose, proposeConfChange) and schedules its Ready. */
  withNode(fn: (node: RawNode) => void): void;
  requestTimeoutMs: number;
  electionTimeoutMs: number;
  /** A proposal timed out or failed as the member found itself cut off (etcd_server_proposals_failed_total). */
  onFailed(): void;
  logger: { warn(obj: object, msg: string): void };
}

type Offer = (node: RawNode) => void;

export class Proposer {
  private readonly waiters: Waiters<ApplyOutcome | undefined>;
  /** Unanswered proposals raft has taken, by seq: each is offered again to every new leader. */
  private readonly handedOver = new Map<number, Offer>();
  private stoppedWith: { err: unknown } | undefined;

  constructor(private readonly opts: ProposerOptions) {
    this.waiters = new Waiters(opts.clock);
    opts.leader.onChange((lead) => {
      if (lead) this.offerAgain();
    });
    opts.leader.onCutOff(() => {
      for (let i = 0; i < this.waiters.size; i++) opts.onFailed();
      this.waiters.failAll(timeoutError(TIMED_OUT_CONNECTION_LOST));
    });
  }

  /** Proposes the command `build` makes with a new request id; resolves when this member has applied it. */
  propose(build: (id: RequestId) => AwaitedCommand): Promise<ApplyOutcome | undefined> {
    return this.submit((id) => {
      const data = encodeCommand(build(id));
      return (n) => n.propose(data);
    });
  }

  /**
   * A leader silently drops a peer's configuration change while another is pending (a new
   * leader counts its whole unapplied tail as pending), so a change not applied within an
   * election timeout is proposed again; the state machine applies one copy.
   */
  async proposeConfChange(type: ConfChangeType, nodeId: string, ctx: MemberContext): Promise<void> {
    const build = (id: RequestId): Offer => {
      const cc = { type, nodeId, context: encodeMemberContext({ ...ctx, proposer: id }) };
      return (n) => n.proposeConfChange(cc);
    };
    const outcome = await this.submit(build, this.opts.electionTimeoutMs);
    if (outcome && 'error' in outcome) throw outcome.error;
  }

  /** Proposals of this member still waiting to be applied (etcd_server_proposals_pending). */
  get pending(): number {
    return this.waiters.size;
  }

  /** The state machine applied (or refused as a copy) a command this member proposed, in this run or an earlier one. */
  applied(id: LoggedRequestId, outcome: ApplyOutcome | undefined): void {
    if (id.run === this.opts.run) this.waiters.trigger(id.seq, outcome);
  }

  /**
   * A snapshot replaced the state: a request it settled (took effect in it, or can no longer) was
   * never answered by an apply on this member, and never will be. It gets etcd's timeout answer
   * now, rather than at its deadline: its outcome is lost, as in etcd, where its waiter times out.
   */
  restored(settled: (id: RequestKey) => boolean): void {
    const { selfId: from, run } = this.opts;
    for (const seq of this.handedOver.keys()) if (settled({ from, run, seq })) this.waiters.fail(seq, timeoutError());
  }

  /**
   * Offers every proposal raft took and this member has not seen applied again to a new leader,
   * which may never have received it (a follower's proposal is forwarded to the leader it knew,
   * and lost with it), as the same request: same id, same bytes. The state machine applies one
   * copy. Not after a snapshot (see restored): a member far enough behind to need one would
   * offer everything again at each, lengthening the log it is behind on.
   */
  private offerAgain(): void {
    for (const offer of this.handedOver.values()) this.tryOffer(offer);
  }

  /** Fails every waiting proposal, and any made from now on. */
  stop(err: unknown): void {
    this.stoppedWith = { err };
    this.waiters.failAll(err);
  }

  private async submit(build: (id: RequestId) => Offer, offerEveryMs?: number): Promise<ApplyOutcome | undefined> {
    if (this.stoppedWith) throw this.stoppedWith.err;
    if (this.opts.leader.cutOff) throw timeoutError(TIMED_OUT_CONNECTION_LOST);
    const { clock, requestTimeoutMs, selfId, run } = this.opts;
    const sentAt = clock.now();
    const { seq, done } = this.waiters.register(requestTimeoutMs, () => {
      this.opts.onFailed();
      return this.timeoutFor(sentAt);
    });
    // With no leader, offer() can still be waiting for one when the waiter settles: its rejection
    // is collected by the caller's await, and must not count as unhandled meanwhile (an unhandled
    // rejection ends the process).
    done.catch(() => undefined);
    const forget = (): boolean => this.handedOver.delete(seq);
    done.then(forget, forget);
    const offer = build({ from: selfId, run, seq, low: this.waiters.low });
    await this.offer(seq, offer);
    if (offerEveryMs !== undefined) {
      this.offerEvery(seq, offer, offerEveryMs).catch((err) => this.opts.logger.warn({ err: String(err) }, 'proposing again failed'));
    }
    return done;
  }

  /**
   * Hands a proposal to raft while it is waited on. Without a leader raft refuses at once; wait
   * for one (an election takes about one election timeout) rather than failing a write that
   * could succeed moments later.
   */
  private async offer(seq: number, offer: Offer): Promise<void> {
    while (this.waiters.has(seq)) {
      if (this.tryOffer(offer)) {
        this.handedOver.set(seq, offer);
        return;
      }
      await this.opts.leader.changeOrDelay(LEADER_POLL_MS);
    }
  }

  private async offerEvery(seq: number, offer: Offer, everyMs: number): Promise<void> {
    for (;;) {
      await new Promise<void>((r) => this.opts.clock.setTimeout(r, everyMs));
      if (!this.waiters.has(seq)) return;
      await this.offer(seq, offer);
    }
  }

  /** Whether raft took the proposal (a follower forwards it; it may still be lost on the way). */
  private tryOffer(offer: Offer): boolean {
    try {
      this.opts.withNode(offer);
      return true;
    } catch (err) {
      if (err instanceof ProposalDroppedError) return false;
      throw err;
    }
  }

  /**
   * etcd's answer to a proposal that timed out: it names the likely cause when a new leader was
   * elected after the proposal was made.
   */
  private timeoutFor(sentAt: number): EtcdError {
    const elected = this.opts.leader.leaderSince;
    if (elected !== undefined && sentAt > elected - 2 * this.opts.electionTimeoutMs && sentAt < elected) {
      return timeoutError(TIMED_OUT_LEADER_FAILED);
    }
    return timeoutError();
  }
}
