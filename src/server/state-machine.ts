// The replicated state a member applies committed entries to: the v2 key space, the member
// list, the v2 auth state, a migration from etcd in progress and the record of applied requests.
// All go into a snapshot together so a restored member has them all. It is the driver's Applier.
import { AuthState } from '../auth/auth-state.js';
import type { AuthResult } from '../auth/auth-state.js';
import { applyAuthOp } from './auth-apply.js';
import { AppliedRequests } from './applied-requests.js';
import type { AppliedRequestsData } from './applied-requests.js';
import { finishSteps } from '../store/packed-parts.js';
import type { Steps } from '../store/packed-parts.js';
import { Store } from '../store/store.js';
import type { StoreObserver } from '../store/store.js';
import { EtcdError, ErrorCode } from '../store/types.js';
import type { StoreEvent } from '../store/types.js';
import { ConfChangeType } from '../../raft/index.js';
import type { ConfChange, ConfState, Entry, Snapshot } from '../../raft/index.js';
import { decodeCommand } from './commands.js';
import { timeoutError } from './etcd-timeouts.js';
import { invariant } from './invariant.js';
import { MembershipError } from './member-service.js';
import type { Applier } from './raft-driver.js';
import type { MembershipRefusal } from './member-service.js';
import { MIRRORING_CAUSE, Migration } from './migration.js';
import type { MigrateOp } from './migration.js';
import type { InternalRecords } from './member-records.js';
import { recordAttributesPublished, recordClusterVersion, recordMemberAdded, recordMemberRemoved, recordPeerURLsUpdated } from './member-records.js';
import { Membership, decodeMemberContext } from './membership.js';
import { isWhole } from './request-id.js';
import type { LoggedRequestId, RequestKey } from './request-id.js';
import { decodeSnapshotData, encodeSnapshotDataSteps } from './snapshot-data.js';
import type { MemberContext, MembershipData } from './membership.js';

export type ApplyOutcome = { event: StoreEvent } | { error: EtcdError | MembershipError } | { auth: AuthResult } | { migrated: number };

export interface ApplyListener {
  /** A command this member proposed (in this run or an earlier one) has been applied, or refused as a copy. */
  onOwnApplied(id: LoggedRequestId, outcome: ApplyOutcome | undefined): void;
  /** The member list changed: a configuration change, a member's peer URLs, or a snapshot. */
  onMembershipChanged(): void;
  /** A SYNC carrying the leader's time was applied (the cluster clock learns from it). */
  onSync?(time: number): void;
  /** A member published its attributes (it has just started) in entry `index`. */
  onPublished?(memberId: string, index: number): void;
  /**
   * A snapshot replaced the state: outcomes of this member's requests inside it were never told.
   * `settled` says which requests took effect (or can no longer).
   */
  onRestored(settled: (id: RequestKey) => boolean): void;
}

export class StateMachine implements Applier {
  readonly store: Store;
  membership: Membership;
  auth = new AuthState();
  private migration = new Migration();
  private requests = new AppliedRequests();
  /** While the index is the source's, raftkv's own membership and auth writes take none. */
  private readonly uncounted: InternalRecords = { recordInternal: () => undefined };

  constructor(
    private readonly selfId: string,
    founders: MembershipData,
    private readonly listener: ApplyListener,
    historySize = 1000,
    storeObserver?: StoreObserver,
  ) {
    this.store = new Store({ historySize, observer: storeObserver });
    this.membership = Membership.fromData(founders);
    // etcd's log starts with a ConfChange per founder; raftkv's starts from their configuration.
    for (const m of this.membership.list()) recordMemberAdded(this.store, m.id);
  }

  applyEntry(entry: Entry): void {
    const cmd = decodeCommand(entry.data);
    if ('seq' in cmd && !this.takesEffect(cmd)) return;
    switch (cmd.kind) {
      case 'v2': {
        const outcome = this.migration.active ? { error: new EtcdError(ErrorCode.RaftInternal, MIRRORING_CAUSE, this.store.index) } : this.applyRequest(cmd.req);
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd, outcome);
        return;
      }
      case 'auth': {
        const result = applyAuthOp(this.auth, this.records, cmd.op);
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd, { auth: result });
        return;
      }
      case 'sync':
        // While mirroring, keys expire when the source's expire events say.
        if (!this.migration.active) this.store.expireKeys(cmd.time);
        this.listener.onSync?.(cmd.time);
        return;
      case 'migrate': {
        const outcome = this.applyMigration(cmd.op);
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd, outcome);
        return;
      }
      case 'attrs':
        // A removed member's late publish changes nothing, in etcd's store too.
        if (this.membership.has(cmd.memberId)) recordAttributesPublished(this.records, cmd.memberId);
        this.membership.setAttributes(cmd.memberId, cmd.name, cmd.clientURLs);
        this.listener.onPublished?.(cmd.memberId, entry.index);
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd, undefined);
        return;
      case 'cluster-version':
        // Set once: a leader's proposal that commits twice (re-proposed, or two leaders') counts once.
        if (this.membership.clusterVersion !== undefined) return;
        this.membership.clusterVersion = cmd.version;
        recordClusterVersion(this.records);
        return;
      case 'peer-urls':
        if (this.membership.has(cmd.memberId)) recordPeerURLsUpdated(this.records, cmd.memberId);
        this.membership.updatePeerURLs(cmd.memberId, cmd.peerURLs);
        this.listener.onMembershipChanged();
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd, undefined);
        return;
      default:
        // Every member would skip it alike, but a committed entry nobody understands is a bug to
        // stop on (as etcd panics), not to step over.
        invariant(false, () => `committed entry ${entry.index} holds no known command`);
    }
  }

  /**
   * Applies a membership change unless the member list says it is stale: a change proposed
   * again after its first proposal was lost may commit twice, and the second must not demote a
   * promoted learner or bring back a removed member. The member list is replicated, so every
   * member decides alike.
   */
  applyConfChange(cc: ConfChange, applyToRaft: () => ConfState): void {
    const ctx = decodeMemberContext(cc.context);
    if (ctx.proposer && !this.takesEffect(ctx.proposer)) return;
    const refusal = this.staleBecause(cc);
    if (refusal === undefined) this.applyEffective(cc, ctx, applyToRaft);
    if (ctx.proposer?.from === this.selfId) {
      this.listener.onOwnApplied(ctx.proposer, refusal === undefined ? undefined : { error: new MembershipError(refusal) });
    }
  }

  /**
   * Whether a copy of a request takes effect: once per request id (AppliedRequests), and not
   * from a removed member (its record is forgotten, and it is gone). A copy that does not
   * changes nothing, and answers its proposer's waiter, if one still waits, with etcd's timeout.
   * Usually none does: the proposing member applies the log in order, so it applied the first
   * copy, and answered the waiter, before this one. If the first copy reached it inside a
   * snapshot instead, the waiter was answered when the snapshot was restored (onRestored). One
   * waits only when the record's bound raised a watermark past a request still waiting.
   */
  private takesEffect(id: LoggedRequestId): boolean {
    if (!isWhole(id)) return true; // logged before runs existed: applied as it was then
    const verdict = this.membership.isRemoved(id.from) ? 'stale' : this.requests.admit(id);
    if (verdict === 'new') return true;
    if (id.from === this.selfId) this.listener.onOwnApplied(id, { error: timeoutError() });
    return false;
  }

  /** Why the member list makes a change void (etcd validates changes when applying them too). */
  private staleBecause(cc: ConfChange): MembershipRefusal | undefined {
    const m = this.membership;
    if (m.isRemoved(cc.nodeId)) return 'removed';
    switch (cc.type) {
      case ConfChangeType.AddLearnerNode:
        return m.has(cc.nodeId) ? 'id-exists' : undefined;
      case ConfChangeType.AddNode:
        return m.has(cc.nodeId) && !m.get(cc.nodeId)!.isLearner ? 'id-exists' : undefined;
      case ConfChangeType.RemoveNode:
        return m.has(cc.nodeId) ? undefined : 'not-found';
    }
  }

  private applyEffective(cc: ConfChange, ctx: MemberContext, applyToRaft: () => ConfState): void {
    applyToRaft();
    switch (cc.type) {
      case ConfChangeType.AddNode:
        // Promotion is raftkv's own catching-up stage (etcd's v2 add makes a voter): no store write.
        if (this.membership.get(cc.nodeId)?.isLearner) this.membership.promote(cc.nodeId);
        else this.addMember(cc.nodeId, ctx, false);
        break;
      case ConfChangeType.AddLearnerNode:
        this.addMember(cc.nodeId, ctx, true);
        break;
      case ConfChangeType.RemoveNode:
        this.membership.remove(cc.nodeId);
        this.requests.forget(cc.nodeId);
        recordMemberRemoved(this.records, cc.nodeId);
        break;
    }
    this.listener.onMembershipChanged();
  }

  private addMember(id: string, ctx: MemberContext, isLearner: boolean): void {
    this.membership.add(id, ctx, isLearner);
    recordMemberAdded(this.records, id);
  }

  snapshotData(): Uint8Array {
    return finishSteps(this.captureSnapshot());
  }

  /** The state as it is now, encoded in steps that may run while later entries are applied. */
  captureSnapshot(): Steps<Uint8Array> {
    const migration = this.migration.toData();
    return encodeSnapshotDataSteps(this.store.saveSteps(), { members: this.membership.toData(), auth: this.auth.toData(), ...(migration && { migration }), requests: this.appliedRequests() });
  }

  appliedRequests(): AppliedRequestsData {
    return this.requests.toData();
  }

  /** The store keeps its watchers across the restore (see Store.recover). */
  restoreSnapshot(snap: Snapshot): void {
    const data = decodeSnapshotData(snap.data);
    this.store.recover(data.store);
    this.membership = Membership.fromData(data.members);
    this.auth = data.auth === undefined ? new AuthState() : AuthState.fromData(data.auth);
    this.migration = new Migration(data.migration);
    this.requests = AppliedRequests.fromData(data.requests ?? []);
    this.listener.onMembershipChanged();
    const requests = this.requests;
    this.listener.onRestored((id) => requests.covers(id));
  }

  /** When the leader should next propose a SYNC: never while keys expire as the source says. */
  nextExpiration(): number | undefined {
    return this.migration.active ? undefined : this.store.nextExpiration();
  }

  private get records(): InternalRecords {
    return this.migration.active ? this.uncounted : this.store;
  }

  private applyMigration(op: MigrateOp): ApplyOutcome {
    try {
      return { migrated: this.migration.apply(this.store, op) };
    } catch (err) {
      if (err instanceof EtcdError) return { error: err };
      throw err;
    }
  }

  private applyRequest(req: StoreRequest): ApplyOutcome {
    try {
      return { event: this.store.apply(req) };
    } catch (err) {
      if (err instanceof EtcdError) return { error: err };
      throw err;
    }
  }
}

type StoreRequest = Parameters<Store['apply']>[0];
