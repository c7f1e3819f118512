// A MemberService over one in-memory Store, for HTTP tests: a single member whose every write
// commits at once. Knobs let a test make it a follower, unhealthy, or fail like a lost leader.
import { AuthService } from '../../../src/auth/auth-service.js';
import { AuthState } from '../../../src/auth/auth-state.js';
import { applyAuthOp } from '../../../src/server/auth-apply.js';
import { formatId } from '../../../src/server/ids.js';
import { MembershipError } from '../../../src/server/member-service.js';
import type { MemberInfo, MemberService, RaftIndexes, WatchHandle } from '../../../src/server/member-service.js';
import { Store } from '../../../src/store/store.js';
import type { StoreOptions } from '../../../src/store/store.js';
import type { StoreEvent, V2Request } from '../../../src/store/types.js';

export const SELF: MemberInfo = {
  id: '02943212f5e2cf73',
  name: 'infra0',
  peerURLs: ['http://127.0.0.1:23802'],
  clientURLs: ['http://127.0.0.1:23792'],
};

export class StoreMember implements MemberService {
  readonly clusterId = '70f9cf875eabdc0b';
  readonly memberId = SELF.id;
  readonly name = SELF.name;
  readonly store: Store;
  /** v2 auth over a local state: a change is applied (its /2 writes taking store indexes) at once. */
  readonly authState = new AuthState();
  readonly auth = new AuthService(
    () => this.authState,
    async (op) => applyAuthOp(this.authState, this.store, op),
  );
  memberList: MemberInfo[] = [SELF];
  leader: string | undefined = SELF.id;
  isHealthy = true;
  raftIndex = 8;
  /** When set, handle() rejects with it (a timeout, a lost leader). */
  failure: Error | undefined;
  /** Watches open right now. */
  openWatches = 0;
  /** What the last handle() was asked. */
  lastRequest: V2Request | undefined;

  constructor(opts: StoreOptions = {}) {
    this.store = new Store(opts);
  }

  async handle(req: V2Request): Promise<StoreEvent> {
    this.lastRequest = req;
    if (this.failure) throw this.failure;
    if (req.method === 'GET') return this.store.get(req.path, { recursive: req.recursive, sorted: req.sorted }, req.time);
    this.raftIndex++;
    return this.store.apply(req);
  }

  watch(req: V2Request, onEvent: (ev: StoreEvent) => void, onClosed: () => void): WatchHandle {
    this.lastRequest = req;
    const startIndex = this.store.index;
    const opts = { recursive: req.recursive, stream: req.stream, sinceIndex: req.waitIndex };
    const watcher = this.store.watch(req.path, opts, onEvent, () => onClosed());
    this.openWatches++;
    let open = true;
    return {
      startIndex,
      close: () => {
        if (!open) return;
        open = false;
        this.openWatches--;
        watcher.remove();
      },
    };
  }

  indexes(): RaftIndexes {
    return { etcdIndex: this.store.index, raftIndex: this.raftIndex, raftTerm: 2 };
  }

  members(): MemberInfo[] {
    return this.memberList;
  }

  leaderId(): string | undefined {
    return this.leader;
  }

  selfStats(): object {
    return { name: this.name, id: '2943212f5e2cf73', state: this.leader === this.memberId ? 'StateLeader' : 'StateFollower' };
  }

  leaderStats(): object | undefined {
    return this.leader === this.memberId ? { leader: '2943212f5e2cf73', followers: {} } : undefined;
  }

  storeStats(): object {
    return this.store.stats();
  }

  async healthy(): Promise<boolean> {
    return this.isHealthy;
  }

  /** The request metrics the API reported, in order, for tests to read. */
  readonly reported: string[] = [];
  readonly requestMetrics = {
    received: (method: string) => void this.reported.push(`received ${method}`),
    succeeded: (method: string) => void this.reported.push(`succeeded ${method}`),
    failed: (method: string, code: number) => void this.reported.push(`failed ${method} ${code}`),
  };

  async metricsText(): Promise<string> {
    return '# TYPE etcd_server_has_leader gauge\netcd_server_has_leader 1\n';
  }

  raftStatus(): object {
    return { id: formatId(this.memberId), raftState: this.leader === this.memberId ? 'StateLeader' : 'StateFollower' };
  }

  async addMember(peerURLs: string[]): Promise<MemberInfo> {
    if (this.memberList.some((m) => m.peerURLs.some((u) => peerURLs.includes(u)))) throw new MembershipError('peer-url-exists');
    const added: MemberInfo = { id: '00000000000000a1', name: '', peerURLs, clientURLs: [] };
    this.memberList = [...this.memberList, added];
    return added;
  }

  async updateMember(id: string, peerURLs: string[]): Promise<void> {
    const member = this.memberList.find((m) => m.id === id);
    if (member === undefined) throw new MembershipError('not-found');
    member.peerURLs = peerURLs;
  }

  async removeMember(id: string): Promise<void> {
    if (!this.memberList.some((m) => m.id === id)) throw new MembershipError('not-found');
    this.memberList = this.memberList.filter((m) => m.id !== id);
  }
}
