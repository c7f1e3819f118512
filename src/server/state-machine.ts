// The replicated state a member applies committed entries to: the v2 key space and the
// member list. Both go into a snapshot together so a restored member has both.
import { Packr } from 'msgpackr';
import { Store } from '../store/store.js';
import { EtcdError } from '../store/types.js';
import type { StoreEvent } from '../store/types.js';
import { ConfChangeType } from '../../raft/types.js';
import type { ConfChange, Entry, Snapshot } from '../../raft/types.js';
import { decodeCommand } from './commands.js';
import { Membership, decodeMemberContext } from './membership.js';
import type { MembershipData } from './membership.js';

export type ApplyOutcome = { event: StoreEvent } | { error: EtcdError };

export interface ApplyListener {
  /** A command this member proposed has been applied; `seq` is its waiter. */
  onOwnApplied(seq: number, outcome: ApplyOutcome | undefined): void;
  /** The member list changed: a configuration change (`cc`), or a member's peer URLs. */
  onMembershipChanged(cc?: ConfChange): void;
}

interface SnapshotData {
  store: Uint8Array;
  members: MembershipData;
}

const packr = new Packr({ useRecords: false, moreTypes: false });

export class StateMachine {
  constructor(
    private readonly selfId: string,
    public store: Store,
    public membership: Membership,
    private readonly listener: ApplyListener,
    private readonly historySize: number,
  ) {}

  applyEntry(entry: Entry): void {
    const cmd = decodeCommand(entry.data);
    switch (cmd.kind) {
      case 'v2': {
        const outcome = this.applyRequest(cmd.req);
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd.seq, outcome);
        return;
      }
      case 'sync':
        this.store.expireKeys(cmd.time);
        return;
      case 'attrs':
        this.membership.setAttributes(cmd.memberId, cmd.name, cmd.clientURLs);
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd.seq, undefined);
        return;
      case 'peer-urls':
        this.membership.updatePeerURLs(cmd.memberId, cmd.peerURLs);
        this.listener.onMembershipChanged();
        if (cmd.from === this.selfId) this.listener.onOwnApplied(cmd.seq, undefined);
        return;
    }
  }

  applyConfChange(cc: ConfChange): void {
    const ctx = decodeMemberContext(cc.context);
    switch (cc.type) {
      case ConfChangeType.AddNode:
        if (this.membership.get(cc.nodeId)?.isLearner) this.membership.promote(cc.nodeId);
        else this.membership.add(cc.nodeId, ctx, false);
        break;
      case ConfChangeType.AddLearnerNode:
        this.membership.add(cc.nodeId, ctx, true);
        break;
      case ConfChangeType.RemoveNode:
        this.membership.remove(cc.nodeId);
        break;
    }
    this.listener.onMembershipChanged(cc);
    if (ctx.proposer?.from === this.selfId) this.listener.onOwnApplied(ctx.proposer.seq, undefined);
  }

  snapshotData(): Uint8Array {
    const data: SnapshotData = { store: this.store.save(), members: this.membership.toData() };
    return packr.pack(data);
  }

  restoreSnapshot(snap: Snapshot): void {
    const data = packr.unpack(snap.data) as SnapshotData;
    this.store.clearWatchers();
    this.store = Store.restore(data.store, { historySize: this.historySize });
    this.membership = Membership.fromData(data.members);
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
