// The composition root of a v2 proxy (--proxy on|readonly), as etcd 3.4's startProxy: no raft and
// no store. It learns the cluster from peer URLs (the remembered <data-dir>/proxy/cluster, else
// the ones it is given), keeps the members' client URLs fresh (src/proxy), and serves the client
// URLs by forwarding to them (api/proxy).
import { askMembersOver } from '../api/proxy/ask-members.js';
import { forwarder } from '../api/proxy/forward.js';
import { memberDialer } from '../api/proxy/member-dialer.js';
import { buildProxyApp } from '../api/proxy/proxy-app.js';
import type { MemberConfig } from '../src/server/config.js';
import type { Logger } from '../src/server/logger.js';
import { systemClock } from '../src/server/seams.js';
import { clusterFilePath, makeProxyDir, readClusterFile, writeClusterFile } from '../src/proxy/cluster-file.js';
import { ClusterSource } from '../src/proxy/cluster-source.js';
import { Director } from '../src/proxy/director.js';
import { openMaterial } from '../src/tls/open-material.js';
import type { TlsSettings } from '../src/tls/settings.js';
import { ClientListeners } from './client-listeners.js';
import { openLogger } from './open-logger.js';

export interface RunningProxy {
  /** Where each client URL listens, in URL order. */
  addresses(): { port: number }[];
  stop(): Promise<void>;
}

function tlsOf(settings: TlsSettings | undefined, logger: Logger, side: string) {
  const material = settings && openMaterial(settings, systemClock, { info: (m) => logger.info({ side }, m), warn: (m) => logger.warn({ side }, m) });
  return { material, get: material && (() => material.current()), insecure: settings?.cert.kind === 'auto' };
}

/**
 * Starts a proxy for the cluster at `peerUrls` (--initial-cluster's, or a discovered cluster's);
 * a cluster file left by an earlier run wins over them, as in etcd.
 */
export async function startProxy(config: MemberConfig, peerUrls: readonly string[], logger: Logger): Promise<RunningProxy> {
  if (config.proxy.mode === 'off') throw new Error('startProxy needs --proxy on or readonly');
  const client = tlsOf(config.clientTls, logger, 'client');
  const peer = tlsOf(config.peerTls, logger, 'peer');
  // As etcd: members are dialed with the client certificates, or the peer ones when there are none.
  const toMembers = client.get ? client : peer;

  await makeProxyDir(config.dataDir);
  const file = clusterFilePath(config.dataDir);
  const remembered = await readClusterFile(file);
  const initial = remembered ?? [...peerUrls];
  logger.info({ peerURLs: initial, clusterFile: remembered ? file : undefined }, remembered ? 'proxy using peer URLs from cluster file' : 'proxy using peer URLs');

  const log = { info: (m: string) => logger.info({}, m), warn: (m: string) => logger.warn({}, m) };
  const source = new ClusterSource({ peerUrls: initial, ask: askMembersOver(peer.get, peer.insecure), remember: (urls) => writeClusterFile(file, urls), log });
  const director = new Director({
    clock: systemClock,
    random: Math.random,
    clientUrls: () => source.clientUrls(),
    failureWaitMs: config.proxy.failureWaitMs,
    refreshIntervalMs: config.proxy.refreshIntervalMs,
    log,
  });
  await director.start();

  const dial = memberDialer({
    timeouts: { dialMs: config.proxy.dialTimeoutMs, writeMs: config.proxy.writeTimeoutMs, readMs: config.proxy.readTimeoutMs },
    ...(toMembers.get ? { tls: toMembers.get } : {}),
    insecureSkipVerify: toMembers.insecure,
  });
  const app = buildProxyApp({
    mode: config.proxy.mode,
    targets: director,
    forward: forwarder(director, dial, { warn: (o, m) => logger.warn(o, m) }),
    cors: config.cors,
    logger,
  });
  await app.ready();
  const tls = config.clientTls;
  const listeners = await ClientListeners.open({
    app,
    urls: config.listenClientUrls,
    tls: tls && client.material && { material: client.material, clientCertAuth: tls.clientCertAuth, allowedHostname: tls.allowedHostname },
    logger,
  });
  logger.info({ clientURLs: config.listenClientUrls, mode: config.proxy.mode }, 'v2 proxy serving client requests');
  return {
    addresses: () => listeners.addresses(),
    stop: async () => {
      director.stop();
      await listeners.close();
      await app.close();
      client.material?.close();
      peer.material?.close();
    },
  };
}

/**
 * `raftkv --proxy on|readonly`: a proxy for --initial-cluster's peer URLs (or a discovered
 * cluster's), until SIGTERM or SIGINT.
 */
export async function serveProxy(
  config: MemberConfig,
  peerUrls: readonly string[] = config.initialCluster.flatMap((m) => m.peerUrls),
  logger: Logger = openLogger(config),
): Promise<void> {
  const proxy = await startProxy(config, peerUrls, logger);
  const stop = (reason: string): void => {
    logger.info({ reason }, 'stopping');
    void proxy.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
