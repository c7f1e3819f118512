// The cluster's members as the replicated state knows them: Raft ids plus what etcd shows
// of each (name, peer and client URLs). Changed only by applying committed entries.
import { Packr } from 'msgpackr';
import type { MemberInfo } from './member-service.js';
import type { LoggedRequestId } from './request-id.js';

/** What a ConfChange's context carries: the member it adds (empty for a removal) and the request's id, as a Command does. */
export interface MemberContext {
  name: string;
  peerURLs: string[];
  proposer?: LoggedRequestId;
}

const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeMemberContext(ctx: MemberContext): Uint8Array {
  return packr.pack(ctx);
}

export function decodeMemberContext(data: Uint8Array): MemberContext {
  return data.length === 0 ? { name: '', peerURLs: [] } : (packr.unpack(data) as MemberContext);
}

export interface MembershipData {
  members: MemberInfo[];
  removed: string[];
  /** Set once by the first leader (etcd's /0/version); absent before that. */
  clusterVersion?: string;
}

export class Membership {
  private readonly members = new Map<string, MemberInfo>();
  /** Ids removed from the cluster: they may never come back (etcd refuses them). */
  private readonly removed = new Set<string>();
  clusterVersion: string | undefined;

  add(id: string, ctx: MemberContext, isLearner: boolean): void {
    const existing = this.members.get(id);
    this.members.set(id, {
      id,
      name: existing?.name || ctx.name,
      peerURLs: [...ctx.peerURLs],
      clientURLs: existing?.clientURLs ?? [],
      ...(isLearner ? { isLearner: true } : {}),
    });
  }

  promote(id: string): void {
    const m = this.members.get(id);
    if (m) delete m.isLearner;
  }

  remove(id: string): void {
    this.members.delete(id);
    this.removed.add(id);
  }

  setAttributes(id: string, name: string, clientURLs: string[]): void {
    const m = this.members.get(id);
    if (!m) return;
    m.name = name;
    m.clientURLs = [...clientURLs];
  }

  /** The member other than `except` that already uses one of these peer URLs, if any. */
  usingPeerURL(peerURLs: readonly string[], except?: string): MemberInfo | undefined {
    return this.list().find((m) => m.id !== except && m.peerURLs.some((u) => peerURLs.includes(u)));
  }

  updatePeerURLs(id: string, peerURLs: string[]): void {
    const m = this.members.get(id);
    if (m) m.peerURLs = [...peerURLs];
  }

  get(id: string): MemberInfo | undefined {
    return this.members.get(id);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  isRemoved(id: string): boolean {
    return this.removed.has(id);
  }

  removedIds(): Iterable<string> {
    return this.removed;
  }

  /** Sorted by id, as /v2/members lists them. */
  list(): MemberInfo[] {
    return [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  toData(): MembershipData {
    const data: MembershipData = { members: this.list(), removed: [...this.removed].sort() };
    if (this.clusterVersion !== undefined) data.clusterVersion = this.clusterVersion;
    return data;
  }

  static fromData(data: MembershipData): Membership {
    const m = new Membership();
    for (const info of data.members) m.members.set(info.id, { ...info });
    for (const id of data.removed) m.removed.add(id);
    m.clusterVersion = data.clusterVersion;
    return m;
  }
}
