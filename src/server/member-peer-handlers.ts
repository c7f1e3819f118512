// What a member does with what its peers send: raft messages and reports go to the raft driver,
// a joining member's question and `GET /members` are answered from the replicated member list,
// and a peer's refusal because this member was removed goes to the membership changes.
import { REMOVED_MEMBER_REFUSAL } from '../transport/peer-transport.js';
import { JOIN_INFO_REQUEST, joinInfoFor } from './identity.js';
import type { IdentityMeta } from './identity.js';
import type { Membership } from './membership.js';
import type { MembershipChanges } from './membership-changes.js';
import { peerMembersHandler } from './peer-members.js';
import type { RaftDriver } from './raft-driver.js';
import type { PeerHandlers } from './seams.js';

export interface PeerHandlerTargets {
  identity: IdentityMeta;
  driver(): RaftDriver;
  membership(): Membership;
  changes(): MembershipChanges;
}

export function memberPeerHandlers(t: PeerHandlerTargets): PeerHandlers {
  const withNode = (fn: Parameters<RaftDriver['withNode']>[0]): void => void t.driver().withNode(fn);
  return {
    onMessages: (msgs) => t.driver().step(msgs),
    onRequest: async (kind, body) => {
      if (kind !== JOIN_INFO_REQUEST) throw new Error(`unknown peer request ${kind}`);
      return joinInfoFor(body, t.identity, t.membership());
    },
    isRemoved: (id) => t.membership().isRemoved(id),
    onHttp: peerMembersHandler(t.identity.clusterId, () => t.membership().list()),
    onRefused: (_peer, reason) => {
      if (reason === REMOVED_MEMBER_REFUSAL) t.changes().reportRemoved();
    },
    onSnapshotStatus: (to, ok) => withNode((n) => n.reportSnapshot(to, ok)),
    onUnreachable: (id) => withNode((n) => n.reportUnreachable(id)),
    onPeerDown: (id) => withNode((n) => n.reportPeerDown(id)),
    onPeerActive: (id, active) => {
      if (active) withNode((n) => n.reportPeerUp(id));
    },
  };
}
