// Who a member is: its id, its cluster's id, and the configuration its cluster was founded with.
// A founding member derives all of it from its flags; a member added at runtime (etcdctl member
// add, then --initial-cluster-state existing) asks a running member over the peer port, as etcd
// does, and finds itself by its peer URLs.
import type { ConfState } from '../../raft/index.js';
import { sendPeerRequest } from '../transport/peer-transport.js';
import type { PeerTls } from '../transport/peer-transport.js';
import type { MemberConfig } from './config.js';
import { clusterIdFor, memberIdFor } from './ids.js';
import type { MemberInfo } from './member-service.js';
import { Membership } from './membership.js';
import type { MembershipData } from './membership.js';

/** What a member remembers about itself across restarts, beside the log. */
export interface IdentityMeta {
  memberId: string;
  clusterId: string;
  /**
   * The configuration the cluster was founded with: the state before log index 1. A joining
   * member starts from the founders' too, so replaying the log from index 1 rebuilds the same
   * configuration and member list everywhere.
   */
  bootstrap: ConfState;
  initialMembers: MembershipData;
}

export const JOIN_INFO_REQUEST = 'join-info';
const JOIN_TIMEOUT_MS = 10_000;

interface JoinInfoRequest {
  peerURLs: string[];
}

export interface JoinInfo {
  identity: IdentityMeta;
  /** Members now, so the newcomer can answer the leader before its own list catches up. */
  currentMembers: MemberInfo[];
}

/** The identity of a founding member; `snapshot restore` founds its members with it too. */
export function bootstrapIdentity(config: Pick<MemberConfig, 'name' | 'initialCluster' | 'initialClusterToken'>): IdentityMeta {
  const members = config.initialCluster.map((m) => ({ id: memberIdFor(m.peerUrls, config.initialClusterToken), name: m.name, peerURLs: m.peerUrls }));
  const self = members.find((m) => m.name === config.name);
  if (!self) throw new Error(`--initial-cluster has no member named ${config.name}`);
  const membership = new Membership();
  for (const m of members) membership.add(m.id, { name: m.name, peerURLs: m.peerURLs }, false);
  return {
    memberId: self.id,
    clusterId: clusterIdFor(members.map((m) => m.id)),
    bootstrap: { voters: members.map((m) => m.id).sort(), learners: [] },
    initialMembers: membership.toData(),
  };
}

/** A running member's answer to a newcomer: the cluster's identity with the newcomer's id. */
export function joinInfoFor(body: unknown, own: IdentityMeta, membership: Membership): JoinInfo {
  const peerURLs = (body as JoinInfoRequest | undefined)?.peerURLs;
  if (!Array.isArray(peerURLs)) throw new Error('malformed join request');
  const added = membership.usingPeerURL(peerURLs);
  if (!added) {
    throw new Error(`no member of this cluster has peer URLs ${peerURLs.join(',')}: add it first (etcdctl member add)`);
  }
  // A member that has run before and comes back without its data forgot its votes and log:
  // letting it in under its old id could elect a leader without a committed entry.
  if (added.name !== '') {
    throw new Error(`member ${added.name} has run before and has lost its data: remove it (etcdctl member remove) and add it again`);
  }
  return {
    identity: { memberId: added.id, clusterId: own.clusterId, bootstrap: own.bootstrap, initialMembers: own.initialMembers },
    currentMembers: membership.list(),
  };
}

/** Asks the members named in --initial-cluster (other than this one) who this member is. */
export async function joinIdentity(config: MemberConfig, tls: PeerTls | undefined): Promise<JoinInfo> {
  const own = new Set(config.initialAdvertisePeerUrls);
  const urls = config.initialCluster.flatMap((m) => m.peerUrls).filter((u) => !own.has(u));
  if (urls.length === 0) throw new Error('--initial-cluster-state is "existing" but --initial-cluster names no other member to join');
  try {
    const answer = await sendPeerRequest({
      urls,
      kind: JOIN_INFO_REQUEST,
      body: { peerURLs: config.initialAdvertisePeerUrls } satisfies JoinInfoRequest,
      timeoutMs: JOIN_TIMEOUT_MS,
      from: { memberId: '', clusterId: '' },
      sockets: new Set(),
      tls,
    });
    return answer as JoinInfo;
  } catch (err) {
    throw new Error(`could not join the cluster through ${urls.join(',')}: ${(err as Error).message}`);
  }
}

/** Who a member is, remembered from an earlier run or settled now (and then remembered). */
export interface ResolvedIdentity {
  identity: IdentityMeta;
  /** For a member joining now: who the cluster has, before its replicated list catches up. */
  knownMembers: MemberInfo[];
  how: 'restarted' | 'joined' | 'founded';
}

export async function resolveIdentity(
  config: MemberConfig,
  remembered: unknown,
  remember: (identity: IdentityMeta) => Promise<void>,
  peerTls?: PeerTls,
): Promise<ResolvedIdentity> {
  if (remembered) return { identity: remembered as IdentityMeta, knownMembers: [], how: 'restarted' };
  if (config.initialClusterState === 'existing') {
    const { identity, currentMembers } = await joinIdentity(config, peerTls);
    await remember(identity);
    return { identity, knownMembers: currentMembers, how: 'joined' };
  }
  const identity = bootstrapIdentity(config);
  await remember(identity);
  return { identity, knownMembers: [], how: 'founded' };
}
