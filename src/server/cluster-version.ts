// The cluster version, as etcd's leader sets it: once elected (etcd checks at its first commit in
// the term), a leader of a cluster with no version yet proposes one, which every member records
// as etcd's /0/version write (one store index). All raftkv members run one version, so the
// leader does not ask its peers for theirs; it asks again while the version stays unset.
import type { RawNode } from '../../raft/index.js';
import { encodeCommand } from './commands.js';
import type { Clock, Timer } from './seams.js';

/** etcd's monitorVersionInterval. */
const RETRY_MS = 5000;

export interface ClusterVersionOptions {
  clock: Clock;
  version: string;
  isLeader(): boolean;
  /** Whether the applied state already has a cluster version. */
  isSet(): boolean;
  withNode(fn: (node: RawNode) => void): void;
  logger: { info(obj: object, msg: string): void };
}

export class ClusterVersion {
  private timer: Timer | undefined;
  private lastProposedAt = -Infinity;

  constructor(private readonly opts: ClusterVersionOptions) {}

  start(): void {
    this.timer = this.opts.clock.setInterval(() => this.maybePropose(), RETRY_MS);
  }

  stop(): void {
    this.opts.clock.clearTimer(this.timer);
  }

  /** This member became leader: propose at once (after the Ready being handled). */
  elected(): void {
    this.lastProposedAt = -Infinity;
    this.opts.clock.defer(() => this.maybePropose());
  }

  private maybePropose(): void {
    const { clock, version } = this.opts;
    const now = clock.now();
    if (!this.opts.isLeader() || this.opts.isSet() || now - this.lastProposedAt < RETRY_MS) return;
    try {
      this.opts.withNode((n) => n.propose(encodeCommand({ kind: 'cluster-version', version })));
      this.lastProposedAt = now;
      this.opts.logger.info({ version }, `setting up the initial cluster version to ${version.split('.').slice(0, 2).join('.')}`);
    } catch {
      // Lost leadership in between; the next leader proposes.
    }
  }
}
