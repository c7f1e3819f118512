// /metrics on a real member: the fsync and apply histograms count what the member did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { v2 } from '../support/http.js';

function histogramCount(text: string, name: string): number {
  const m = new RegExp(`^${name}_count (\\d+)$`, 'm').exec(text);
  if (!m) throw new Error(`${name} is not on /metrics:\n${text}`);
  return Number(m[1]);
}

describe('/metrics', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('counts an fsync and an apply for writes', async () => {
    const url = cluster.url(0);
    const scrape = async (): Promise<string> => (await fetch(`${url}/metrics`)).text();
    const before = await scrape();
    for (let i = 0; i < 5; i++) expect((await v2(url, 'PUT', `/m${i}`, { value: 'v' })).status).toBe(201);
    const after = await scrape();
    for (const name of ['raftkv_disk_wal_fsync_duration_seconds', 'raftkv_server_apply_duration_seconds']) {
      expect(histogramCount(after, name)).toBeGreaterThanOrEqual(histogramCount(before, name) + 5);
    }
  });
});
