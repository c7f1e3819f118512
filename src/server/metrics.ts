// A handful of Prometheus metrics in text exposition format; no client library needed for
// counters, gauges and fixed-bucket histograms.

export class Counter {
  value = 0;
  constructor(readonly name: string, readonly help: string) {}
  inc(by = 1): void {
    this.value += by;
  }
  render(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n${this.name} ${this.value}\n`;
  }
}

export class Gauge {
  constructor(readonly name: string, readonly help: string, private readonly read: () => number) {}
  render(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n${this.name} ${this.read()}\n`;
  }
}

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  /** Upper bounds in seconds. */
  constructor(readonly name: string, readonly help: string, private readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (seconds <= this.buckets[i]!) this.counts[i]!++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket{le="${le}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n') + '\n';
  }
}

const latencyBuckets = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];

export class MemberMetrics {
  readonly proposalsCommitted = new Counter('raftkv_server_proposals_committed_total', 'Proposals this member made that were applied.');
  readonly proposalsFailed = new Counter('raftkv_server_proposals_failed_total', 'Proposals this member made that timed out or were dropped.');
  readonly leaderChanges = new Counter('raftkv_server_leader_changes_seen_total', 'Leader changes seen by this member.');
  readonly applyDuration = new Histogram('raftkv_server_apply_duration_seconds', 'Time to apply one batch of committed entries.', latencyBuckets);
  readonly fsyncDuration = new Histogram('raftkv_disk_wal_fsync_duration_seconds', 'Latency of one synced log write batch.', latencyBuckets);
  private gauges: Gauge[] = [];

  /** The gauges read a running member's state; until this is called there are none. */
  readFrom(read: { isLeader(): number; watchers(): number; appliedIndex(): number }): void {
    this.gauges = [
      new Gauge('raftkv_server_is_leader', 'Whether this member is the leader (1) or not (0).', read.isLeader),
      new Gauge('raftkv_store_watchers', 'Watchers open on this member.', read.watchers),
      new Gauge('raftkv_server_applied_index', 'Index of the last applied entry.', read.appliedIndex),
    ];
  }

  render(): string {
    return [this.proposalsCommitted, this.proposalsFailed, this.leaderChanges, this.applyDuration, this.fsyncDuration, ...this.gauges]
      .map((m) => m.render())
      .join('');
  }
}
