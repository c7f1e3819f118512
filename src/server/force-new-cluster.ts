// --force-new-cluster: a member that outlived its cluster's majority becomes a one-member cluster
// with all its data, as etcd's restartAsStandaloneNode does, but without etcd's loss. etcd first
// drops every entry past the commit index persisted on disk, which may lag what the old leader
// had acknowledged; raftkv keeps the whole log. Committing an entry that was never acknowledged
// is allowed, losing one that was is not. Like etcd it then appends, past the last entry, the
// configuration changes that leave this member alone, and commits everything. Appended entries
// and the new commit index go to disk in one synced batch, so a restart without the flag replays
// them and stays a one-member cluster; the member and cluster ids are kept, as etcd keeps them.
import { ConfChangeType, EntryType, decodeConfChange, encodeConfChange } from '../../raft/index.js';
import type { ConfChange, ConfState, Entry, HardState } from '../../raft/index.js';
import type { LoadedState } from '../storage/durable-log.js';
import type { IdentityMeta } from './identity.js';
import { formatId } from './ids.js';
import { encodeMemberContext } from './membership.js';
import type { MemberContext } from './membership.js';
import { decodeSnapshotData } from './snapshot-data.js';
import type { LogStore } from './seams.js';

export interface StandaloneRewrite {
  /**
   * Conf changes to append: this member added if its log's configuration lacks it (a copy made by
   * `raftkv backup` has a new id) or promoted if it is a learner, then every other member removed.
   */
  appended: Entry[];
  hardState: HardState;
  /** The members removed, in the order their removals are appended. */
  removed: string[];
  /** Entries past the persisted commit index that are now committed too (etcd discards them). */
  keptPastCommit: number;
}

type Role = 'voter' | 'learner';

/**
 * Everyone the log's configuration holds, as etcd's getIDs finds them: the snapshot's (or the
 * founders') configuration, then every conf change in the log, committed or not. An entry that
 * never committed may name a member the state machine will refuse; its removal is then a no-op.
 */
function configuredMembers(start: ConfState, entries: Entry[]): Map<string, Role> {
  const roles = new Map<string, Role>();
  for (const id of start.voters) roles.set(id, 'voter');
  for (const id of start.learners) roles.set(id, 'learner');
  for (const e of entries) {
    if (e.type !== EntryType.ConfChange) continue;
    const cc = decodeConfChange(e.data);
    if (cc.type === ConfChangeType.AddNode) roles.set(cc.nodeId, 'voter');
    else if (cc.type === ConfChangeType.AddLearnerNode && !roles.has(cc.nodeId)) roles.set(cc.nodeId, 'learner');
    else if (cc.type === ConfChangeType.RemoveNode) roles.delete(cc.nodeId);
  }
  return roles;
}

/** Whether the log (or the snapshot's member list) removed `id`: the state machine refuses it for good. */
function wasRemoved(loaded: LoadedState, id: string): boolean {
  const inLog = loaded.entries.some((e) => {
    if (e.type !== EntryType.ConfChange) return false;
    const cc = decodeConfChange(e.data);
    return cc.type === ConfChangeType.RemoveNode && cc.nodeId === id;
  });
  const snapshot = loaded.snapshot && loaded.snapshot.data.length > 0 ? decodeSnapshotData(loaded.snapshot.data) : undefined;
  return inLog || (snapshot?.members.removed.includes(id) ?? false);
}

export function standaloneRewrite(loaded: LoadedState, selfId: string, bootstrap: ConfState, selfContext: MemberContext): StandaloneRewrite {
  const roles = configuredMembers(loaded.confState ?? bootstrap, loaded.entries);
  const self = roles.get(selfId);
  // etcd adds such a member back; raftkv's state machine refuses a removed id, so it would be
  // left with no voter at all. Its data is not the cluster's to carry on.
  if (self === undefined && wasRemoved(loaded, selfId)) {
    throw new Error('--force-new-cluster: this member was removed from the cluster its log holds, so its data cannot become a one-member cluster');
  }
  const last = loaded.entries.at(-1)?.index ?? loaded.snapshot?.metadata.index ?? 0;
  // A member that never saw an election has term 0, which no entry may carry.
  const term = Math.max(loaded.hardState.term, 1);
  const changes: ConfChange[] = [];
  // The voter first: raft may never be left without one. A member new to this log (a backup's
  // copy) is added with its name and peer URLs, as etcd's createConfigChangeEnts adds itself.
  if (self === undefined) changes.push({ type: ConfChangeType.AddNode, nodeId: selfId, context: encodeMemberContext(selfContext) });
  if (self === 'learner') changes.push({ type: ConfChangeType.AddNode, nodeId: selfId, context: new Uint8Array() });
  const removed = [...roles.keys()].filter((id) => id !== selfId).sort();
  for (const id of removed) changes.push({ type: ConfChangeType.RemoveNode, nodeId: id, context: new Uint8Array() });
  const appended = changes.map((cc, i): Entry => ({ term, index: last + 1 + i, type: EntryType.ConfChange, data: encodeConfChange(cc) }));
  const commit = last + appended.length;
  return {
    appended,
    hardState: { ...loaded.hardState, term, commit },
    removed,
    keptPastCommit: last - Math.max(loaded.hardState.commit, loaded.snapshot?.metadata.index ?? 0),
  };
}

export interface ForceLogger {
  info(obj: object, msg: string): void;
}

/** Rewrites the persisted log as standaloneRewrite says and returns the state to start from. */
export async function forceNewCluster(log: LogStore, loaded: LoadedState, identity: IdentityMeta, self: MemberContext, logger: ForceLogger): Promise<LoadedState> {
  const rewrite = standaloneRewrite(loaded, identity.memberId, identity.bootstrap, self);
  if (rewrite.keptPastCommit > 0) {
    logger.info(
      { 'commit-index-from-log': loaded.hardState.commit, 'number-of-kept-entries': rewrite.keptPastCommit },
      'committing entries past the persisted commit index (etcd would discard them)',
    );
  }
  await log.save({ hardState: rewrite.hardState, entries: rewrite.appended }, true);
  logger.info(
    {
      'cluster-id': formatId(identity.clusterId),
      'local-member-id': formatId(identity.memberId),
      'commit-index': rewrite.hardState.commit,
      'removed-member-ids': rewrite.removed.map(formatId),
    },
    'forcing restart member',
  );
  return { ...loaded, hardState: rewrite.hardState, entries: [...loaded.entries, ...rewrite.appended] };
}
