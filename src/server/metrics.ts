// /metrics under etcd 3.4's names, types, labels, help texts and buckets (etcdserver/metrics.go,
// wal/metrics.go, rafthttp/metrics.go, v2http/metrics.go, v2store/metrics.go), so etcd dashboards
// and alerts read a raftkv member unchanged. One prom-client Registry per member (tests run several
// in a process). What only raftkv measures is named raftkv_*.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';
import type { StoreObserver } from '../store/store.js';
import type { RequestMetrics } from './member-service.js';
import { ETCD_SERVER_VERSION } from './version.js';


/** A running member's state, read at each scrape. */
export interface MetricSource {
  hasLeader(): boolean;
  isLeader(): boolean;
  committedIndex(): number;
  appliedIndex(): number;
  pendingProposals(): number;
  watchers(): number;
  /** Bytes exchanged with each peer so far (peer id in etcd's hex form). */
  peerBytes(): Array<{ peer: string; sent: number; received: number }>;
}

export class MemberMetrics {
  readonly registry = new Registry();
  private source?: MetricSource;
  private readonly reg = [this.registry];

  readonly leaderChanges = new Counter({ name: 'etcd_server_leader_changes_seen_total', help: 'The number of leader changes seen.', registers: this.reg });
  readonly proposalsFailed = new Counter({ name: 'etcd_server_proposals_failed_total', help: 'The total number of failed proposals seen.', registers: this.reg });
  readonly fsyncDuration = new Histogram({
    name: 'etcd_disk_wal_fsync_duration_seconds',
    help: 'The latency distributions of fsync called by WAL.',
    buckets: exponentialBuckets(0.001, 2, 14),
    registers: this.reg,
  });
  readonly applyDuration = new Histogram({
    name: 'raftkv_server_apply_duration_seconds',
    help: 'Time to apply one batch of committed entries to the v2 store.',
    buckets: exponentialBuckets(0.001, 2, 14),
    registers: this.reg,
  });
  readonly peerRoundTrip = new Histogram({
    name: 'etcd_network_peer_round_trip_time_seconds',
    help: 'Round-Trip-Time histogram between peers',
    labelNames: ['To'],
    buckets: exponentialBuckets(0.0001, 2, 16),
    registers: this.reg,
  });

  readonly requests: RequestMetrics;
  readonly store: StoreObserver;

  constructor(opts: { memberId: string; processMetrics: boolean }) {
    // Process-wide collectors (process_*, nodejs_*) belong to the one member a process runs.
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    const reg = this.reg;
    const read = <T>(fn: (s: MetricSource) => T, otherwise: T): T => (this.source ? fn(this.source) : otherwise);
    const gauge = (name: string, help: string, value: (s: MetricSource) => number): void =>
      void new Gauge({ name, help, registers: reg, collect() { this.set(read(value, 0)); } });
    gauge('etcd_server_has_leader', 'Whether or not a leader exists. 1 is existence, 0 is not.', (s) => Number(s.hasLeader()));
    gauge('etcd_server_is_leader', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', (s) => Number(s.isLeader()));
    gauge('etcd_server_proposals_committed_total', 'The total number of consensus proposals committed.', (s) => s.committedIndex());
    gauge('etcd_server_proposals_applied_total', 'The total number of consensus proposals applied.', (s) => s.appliedIndex());
    gauge('etcd_server_proposals_pending', 'The current number of pending proposals to commit.', (s) => s.pendingProposals());
    gauge('etcd_debugging_store_watchers', 'Count of currently active watchers.', (s) => s.watchers());
    const id = new Gauge({ name: 'etcd_server_id', help: "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.", labelNames: ['server_id'], registers: reg });
    id.set({ server_id: opts.memberId }, 1);
    const version = new Gauge({ name: 'etcd_server_version', help: "Which version is running. 1 for 'server_version' label with current version.", labelNames: ['server_version'], registers: reg });
    version.set({ server_version: ETCD_SERVER_VERSION }, 1);
    const peerCounter = (name: string, help: string, label: 'To' | 'From', value: (p: { sent: number; received: number }) => number): void =>
      void new Counter({
        name, help, labelNames: [label], registers: reg,
        collect() {
          this.reset();
          for (const p of read((s) => s.peerBytes(), [])) this.inc({ [label]: p.peer }, value(p));
        },
      });
    peerCounter('etcd_network_peer_sent_bytes_total', 'The total number of bytes sent to peers.', 'To', (p) => p.sent);
    peerCounter('etcd_network_peer_received_bytes_total', 'The total number of bytes received from peers.', 'From', (p) => p.received);
    this.requests = requestMetrics(reg);
    this.store = storeMetrics(reg);
  }

  /** The gauges read a running member's state; until this is called they read 0. */
  readFrom(source: MetricSource): void {
    this.source = source;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

function requestMetrics(registers: Registry[]): RequestMetrics {
  const received = new Counter({
    name: 'etcd_http_received_total',
    help: 'Counter of requests received into the system (successfully parsed and authd).',
    labelNames: ['method'],
    registers,
  });
  const failed = new Counter({
    name: 'etcd_http_failed_total',
    help: 'Counter of handle failures of requests (non-watches), by method (GET/PUT etc.) and code (400, 500 etc.).',
    labelNames: ['method', 'code'],
    registers,
  });
  const succeeded = new Histogram({
    name: 'etcd_http_successful_duration_seconds',
    help: 'Bucketed histogram of processing time (s) of successfully handled requests (non-watches), by method (GET/PUT etc.).',
    labelNames: ['method'],
    buckets: exponentialBuckets(0.0005, 2, 13),
    registers,
  });
  return {
    received: (method) => received.inc({ method }),
    succeeded: (method, seconds) => succeeded.observe({ method }, seconds),
    failed: (method, code) => failed.inc({ method, code: String(code) }),
  };
}

function storeMetrics(registers: Registry[]): StoreObserver {
  const reads = new Counter({ name: 'etcd_debugging_store_reads_total', help: 'Total number of reads action by (get/getRecursive), local to this member.', labelNames: ['action'], registers });
  const writes = new Counter({ name: 'etcd_debugging_store_writes_total', help: 'Total number of writes (e.g. set/compareAndDelete) seen by this member.', labelNames: ['action'], registers });
  const expires = new Counter({ name: 'etcd_debugging_store_expires_total', help: 'Total number of expired keys.', registers });
  const watches = new Counter({ name: 'etcd_debugging_store_watch_requests_total', help: 'Total number of incoming watch requests (new or reestablished).', registers });
  return {
    operation: (action) => (action.startsWith('get') ? reads : writes).inc({ action }),
    expired: () => expires.inc(),
    watchRequested: () => watches.inc(),
  };
}
