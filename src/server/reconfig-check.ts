// etcd's --strict-reconfig-check (on by default): a membership change that could cost the cluster
// its quorum is refused before it is proposed. Adding a voter needs a quorum of started members
// (ones that have published a name) and every voter connected for a health interval; removing a
// connected voter must leave a quorum of the voters connected. The api answers these refusals
// with etcd's 500, and the member logs etcd's reason.
import type { MemberInfo } from './member-service.js';

/** etcd's HealthInterval: how long a peer must have been connected to count. */
export const HEALTH_INTERVAL_MS = 5000;

export const NOT_ENOUGH_STARTED = 'etcdserver: re-configuration failed due to not enough started members';
export const UNHEALTHY = 'etcdserver: unhealthy cluster';

export interface ReconfigView {
  selfId: string;
  /** The replicated member list. */
  members: readonly MemberInfo[];
  /** When (clock ms) the link to a peer came up; undefined while it is down. */
  activeSince(id: string): number | undefined;
  now: number;
}

const quorumOf = (n: number): number => Math.floor(n / 2) + 1;
const voters = (v: ReconfigView): MemberInfo[] => v.members.filter((m) => !m.isLearner);
const started = (members: MemberInfo[]): number => members.filter((m) => m.name !== '').length;

/** Voters (this member included) connected since before a health interval ago. */
function connected(v: ReconfigView, among: MemberInfo[]): number {
  const since = v.now - HEALTH_INTERVAL_MS;
  return among.filter((m) => m.id === v.selfId || (v.activeSince(m.id) ?? Infinity) <= since).length;
}

/** Why adding a voter would be refused, or undefined to allow it (etcd's mayAddMember). */
export function refuseAddVoter(v: ReconfigView): string | undefined {
  const current = voters(v);
  const members = current.length + 1;
  const up = started(current);
  // A one-member cluster growing back (restored from a backup) may add its second member.
  if (!(up === 1 && members === 2) && up < quorumOf(members)) return NOT_ENOUGH_STARTED;
  if (connected(v, current) !== current.length) return UNHEALTHY;
  return undefined;
}

/** Why removing member `id` would be refused, or undefined to allow it (etcd's mayRemoveMember). */
export function refuseRemove(v: ReconfigView, id: string): string | undefined {
  const current = voters(v);
  if (!current.some((m) => m.id === id)) return undefined;
  const rest = current.filter((m) => m.id !== id);
  if (started(rest) < quorumOf(rest.length)) return NOT_ENOUGH_STARTED;
  // A member that is down is not part of the active quorum: removing it is safe.
  if (id !== v.selfId && v.activeSince(id) === undefined) return undefined;
  if (connected(v, current) - 1 < quorumOf(current.length - 1)) return NOT_ENOUGH_STARTED;
  return undefined;
}
