// /metrics and /debug/vars on real members, under etcd 3.4's names, types and labels (compared with
// a real etcd 3.4.23's /metrics): what a dashboard or alert written for etcd reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { v2 } from '../support/http.js';

function sample(text: string, series: string): number {
  const m = new RegExp(`^${series.replace(/[{}.*+?^$()|[\]\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  if (!m) throw new Error(`${series} is not on /metrics:\n${text}`);
  return Number(m[1]);
}

/** `# TYPE` lines, as etcd 3.4.23 declares these metrics. */
const ETCD_TYPES = [
  'etcd_server_has_leader gauge', 'etcd_server_is_leader gauge', 'etcd_server_leader_changes_seen_total counter',
  'etcd_server_proposals_committed_total gauge', 'etcd_server_proposals_applied_total gauge', 'etcd_server_proposals_pending gauge',
  'etcd_server_proposals_failed_total counter', 'etcd_server_id gauge', 'etcd_server_version gauge',
  'etcd_disk_wal_fsync_duration_seconds histogram', 'etcd_network_peer_round_trip_time_seconds histogram',
  'etcd_network_peer_sent_bytes_total counter', 'etcd_network_peer_received_bytes_total counter',
  'etcd_http_received_total counter', 'etcd_http_failed_total counter', 'etcd_http_successful_duration_seconds histogram',
  'etcd_debugging_store_watchers gauge', 'etcd_debugging_store_reads_total counter', 'etcd_debugging_store_writes_total counter',
  'etcd_debugging_store_expires_total counter', 'etcd_debugging_store_watch_requests_total counter',
];

describe('/metrics and /debug/vars', () => {
  let cluster: ProcessCluster;
  const scrape = async (i: number): Promise<string> => (await fetch(`${cluster.url(i)}/metrics`)).text();

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 3 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('declares etcd\'s metrics with etcd\'s types, and Node\'s process_* and nodejs_* ones', async () => {
    const text = await scrape(0);
    for (const declared of ETCD_TYPES) expect(text).toContain(`# TYPE ${declared}\n`);
    expect(text).toContain('# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.\n');
    expect(text).toContain('etcd_disk_wal_fsync_duration_seconds_bucket{le="8.192"}');
    expect(text).toMatch(/^etcd_server_version\{server_version="3\.4\.23"\} 1$/m);
    expect(text).toMatch(/^etcd_server_id\{server_id="[0-9a-f]+"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it('counts writes, reads and failures as etcd does, and fsyncs, applies and peer traffic', async () => {
    const leader = await cluster.waitForLeader();
    const url = cluster.url(leader);
    const before = await scrape(leader);
    for (let i = 0; i < 5; i++) expect((await v2(url, 'PUT', `/m${i}`, { value: 'v' })).status).toBe(201);
    expect((await fetch(`${url}/v2/keys/m0?quorum=true`)).status).toBe(200);
    expect((await fetch(`${url}/v2/keys/nope`)).status).toBe(404);
    const after = await scrape(leader);
    expect(sample(after, 'etcd_http_received_total{method="PUT"}') - (before.includes('method="PUT"') ? sample(before, 'etcd_http_received_total{method="PUT"}') : 0)).toBe(5);
    expect(sample(after, 'etcd_http_successful_duration_seconds_count{method="QGET"}')).toBe(1);
    expect(sample(after, 'etcd_http_failed_total{method="GET",code="404"}')).toBe(1);
    for (const name of ['etcd_disk_wal_fsync_duration_seconds_count', 'raftkv_server_apply_duration_seconds_count']) {
      expect(sample(after, name)).toBeGreaterThanOrEqual(sample(before, name) + 5);
    }
    expect(sample(after, 'etcd_server_is_leader')).toBe(1);
    expect(sample(after, 'etcd_server_proposals_applied_total')).toBeGreaterThanOrEqual(sample(before, 'etcd_server_proposals_applied_total') + 5);
    expect(after).toMatch(/^etcd_network_peer_sent_bytes_total\{To="[0-9a-f]+"\} [1-9]\d*$/m);
    expect(after).toMatch(/^etcd_network_peer_received_bytes_total\{From="[0-9a-f]+"\} [1-9]\d*$/m);
    expect(after).toMatch(/^etcd_network_peer_round_trip_time_seconds_count\{To="[0-9a-f]+"\} [1-9]\d*$/m);
  });

  it('/debug/vars carries etcd\'s raft.status of the member', async () => {
    const leader = await cluster.waitForLeader();
    const vars = (await (await fetch(`${cluster.url(leader)}/debug/vars`)).json()) as Record<string, Record<string, unknown>>;
    expect(vars['raft.status']).toMatchObject({ raftState: 'StateLeader', progress: expect.any(Object) });
    expect(Object.keys(vars['raft.status']!.progress as object)).toHaveLength(3);
    expect(vars.cmdline).toContain('--name');
  });
});
