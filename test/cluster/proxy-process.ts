// A v2 proxy process (raftkv's, or a real etcd's) in front of a ProcessCluster, for the proxy tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackChild, trackDir } from '../../bench/harness/child-registry.js';
import { freePort } from '../../bench/harness/free-ports.js';
import { RAFTKV_BIN } from '../../bench/harness/process-cluster.js';
import type { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { start } from '../clients/support/processes.js';
import type { Running } from '../clients/support/processes.js';

export interface ProxyProcess {
  url: string;
  dataDir: string;
  running: Running;
  /** The members' client URLs it forwards to, first the one it uses now. */
  endpoints(): Promise<string[]>;
}

export interface ProxyOptions {
  server?: 'raftkv' | 'etcd';
  mode?: 'on' | 'readonly';
  /** Peer URLs for --initial-cluster; the cluster's by default. */
  peerUrls?: string[];
  dataDir?: string;
  flags?: string[];
}

export async function startProxy(cluster: ProcessCluster, opts: ProxyOptions = {}): Promise<ProxyProcess> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'raftkv-proxy-'));
  trackDir(dataDir);
  const peers = opts.peerUrls ?? cluster.members.map((m) => m.peerUrl);
  const args = [
    '--proxy', opts.mode ?? 'on', '--data-dir', dataDir, '--listen-client-urls', url,
    '--initial-cluster', peers.map((p, i) => `m${i}=${p}`).join(','), ...(opts.flags ?? []),
  ];
  const running = opts.server === 'etcd' ? start('etcd', args, process.env) : start(process.execPath, [RAFTKV_BIN, ...args], process.env);
  trackChild(running.proc);
  const endpoints = async (): Promise<string[]> => {
    const res = await fetch(`${url}/v2/config/local/proxy`);
    return ((await res.json()) as { endpoints: string[] }).endpoints;
  };
  return { url, dataDir, running, endpoints };
}

/** Waits until the proxy forwards to `count` members. */
export async function waitForEndpoints(proxy: ProxyProcess, count: number, timeoutMs: number): Promise<void> {
  await waitFor(`the proxy at ${proxy.url} to list ${count} members`, async () => (await proxy.endpoints()).length === count, timeoutMs, () => proxy.running.stderr().slice(-2000));
}
