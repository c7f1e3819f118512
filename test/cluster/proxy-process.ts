// A v2 proxy process (raftkv's, or a real etcd's) in front of a ProcessCluster, for the proxy tests;
// and the view of any proxy (one a discovery member fell back to, say) that the tests read.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackChild, trackDir } from '../../bench/harness/child-registry.js';
import { clientFetch } from '../../bench/harness/client-fetch.js';
import type { ClientCertFiles, Fetch } from '../../bench/harness/client-fetch.js';
import { freePort } from '../../bench/harness/free-ports.js';
import { RAFTKV_BIN } from '../../bench/harness/process-cluster.js';
import type { ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { start } from '../clients/support/processes.js';
import type { Running } from '../clients/support/processes.js';

/** A proxy as the tests see it. */
export interface ProxyView {
  url: string;
  /** The members' client URLs it forwards to, first the one it uses now. */
  endpoints(): Promise<string[]>;
  /** Its recent output, for failure messages. */
  explain(): string;
}

export interface ProxyProcess extends ProxyView {
  dataDir: string;
  running: Running;
}

export interface ProxyOptions {
  server?: 'raftkv' | 'etcd';
  mode?: 'on' | 'readonly';
  /** Peer URLs for --initial-cluster; the cluster's by default. */
  peerUrls?: string[];
  dataDir?: string;
  flags?: string[];
  /**
   * An https client URL serving `certFile`/`keyFile` (--cert-file, --key-file) plus `flags` (say
   * --client-cert-auth --trusted-ca-file …); endpoints() presents the same certificate, trusting `caFile`.
   */
  clientTls?: ClientCertFiles & { flags?: string[] };
}

/** The proxy at `url`, read with `fetch` (one with a client certificate, for an https proxy). */
export function proxyAt(url: string, explain: () => string, fetch: Fetch = globalThis.fetch): ProxyView {
  const endpoints = async (): Promise<string[]> => {
    const res = await fetch(`${url}/v2/config/local/proxy`);
    return ((await res.json()) as { endpoints: string[] }).endpoints;
  };
  return { url, endpoints, explain };
}

export async function startProxy(cluster: ProcessCluster, opts: ProxyOptions = {}): Promise<ProxyProcess> {
  const tls = opts.clientTls;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${await freePort()}`;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'raftkv-proxy-'));
  trackDir(dataDir);
  const peers = opts.peerUrls ?? cluster.members.map((m) => m.peerUrl);
  const args = [
    '--proxy', opts.mode ?? 'on', '--data-dir', dataDir, '--listen-client-urls', url,
    '--initial-cluster', peers.map((p, i) => `m${i}=${p}`).join(','),
    ...(tls ? ['--cert-file', tls.certFile, '--key-file', tls.keyFile, ...(tls.flags ?? [])] : []),
    ...(opts.flags ?? []),
  ];
  const running = opts.server === 'etcd' ? start('etcd', args, process.env) : start(process.execPath, [RAFTKV_BIN, ...args], process.env);
  trackChild(running.proc);
  return { ...proxyAt(url, () => running.stderr().slice(-2000), clientFetch(tls)), dataDir, running };
}

/** Waits until the proxy forwards to `count` members. */
export async function waitForEndpoints(proxy: ProxyView, count: number, timeoutMs: number): Promise<void> {
  await waitFor(`the proxy at ${proxy.url} to list ${count} members`, async () => (await proxy.endpoints()).length === count, timeoutMs, proxy.explain);
}
