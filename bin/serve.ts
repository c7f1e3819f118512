// The composition root of one member: configuration in; the logger, the TLS material, the durable
// log (with its fsync metric), the peer transport, the Member and the HTTP app made and wired here;
// listeners, signals and the process's exit owned here. Nothing under src/ reaches back to api/ or bin/.
// As etcd, the client listeners open only once this member's attributes are published: a member
// without a quorum serves no client, and a client's first /v2/members already lists this member's URLs.
import { buildApp } from '../api/app.js';
import type { MemberConfig } from '../src/server/config.js';
import { forceNewCluster } from '../src/server/force-new-cluster.js';
import { resolveIdentity } from '../src/server/identity.js';
import { Member } from '../src/server/member.js';
import { formatId } from '../src/server/ids.js';
import { MemberMetrics } from '../src/server/metrics.js';
import { systemClock } from '../src/server/seams.js';
import { ETCD_SERVER_VERSION } from '../src/server/version.js';
import { DurableLog } from '../src/storage/durable-log.js';
import { openMaterial } from '../src/tls/open-material.js';
import type { MaterialLog } from '../src/tls/open-material.js';
import { PeerTransport } from '../src/transport/peer-transport.js';
import type { Logger } from '../src/server/logger.js';
import { ClientListeners } from './client-listeners.js';
import { openLogger } from './open-logger.js';
import type { Bootstrap } from './discover-cluster.js';
import { peerTransportTls } from './peer-tls.js';
import { SERVING, STARTING, localMemberLine, servingFields, startingFields } from './startup-log.js';

function tlsLog(logger: Logger, side: 'client' | 'peer'): MaterialLog {
  return { info: (m) => logger.info({ side }, m), warn: (m) => logger.warn({ side }, m) };
}

/** A member with data restarts from it; one without, given a discovery flag, discovers its cluster first. */
async function bootstrapConfig(config: MemberConfig, hasData: boolean, logger: Logger): Promise<Bootstrap> {
  if (!config.discovery && !config.discoverySrv) return { kind: 'member', config };
  if (hasData) {
    logger.warn({ dataDir: config.dataDir }, 'discovery is ignored since the member has already been initialized; valid data found');
    return { kind: 'member', config };
  }
  // Discovery and the proxy it may fall back to are loaded only here: a restart never needs them.
  const [{ discoverBootstrap }, { discoveryRoots }, { nodeDiscoveryHttp, parseDiscoveryProxy }, { nodeSrvResolver }] = await Promise.all([
    import('./discover-cluster.js'),
    import('./discovery-roots.js'),
    import('../src/discovery/node-http.js'),
    import('../src/discovery/node-resolver.js'),
  ]);
  return discoverBootstrap(config, {
    http: nodeDiscoveryHttp(parseDiscoveryProxy(config.discovery?.proxy ?? ''), discoveryRoots()),
    resolver: nodeSrvResolver(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: logger,
  });
}

export async function serve(config: MemberConfig): Promise<void> {
  const logger = openLogger(config);
  // TLS files are checked (or made, with auto TLS) before anything else, so a bad one stops the start.
  const clientMaterial = config.clientTls && openMaterial(config.clientTls, systemClock, tlsLog(logger, 'client'));
  // As etcd, the peer side's files are checked even with http peer URLs (they are for dialing too).
  const peerMaterial = config.peerTls && openMaterial(config.peerTls, systemClock, tlsLog(logger, 'peer'));
  const peerTls = peerTransportTls(config.peerTls, peerMaterial);
  let metrics: MemberMetrics | undefined;
  const log = await DurableLog.open(config.dataDir, {
    logger,
    onSync: (ms) => metrics?.fsyncDuration.observe(ms / 1000),
    maxSnapshots: config.maxSnapshots,
  });
  let member: Member;
  try {
    let loaded = await log.load();
    logger.info(startingFields(config, loaded.meta.identity !== undefined), STARTING);
    const bootstrap = await bootstrapConfig(config, loaded.meta.identity !== undefined, logger);
    if (bootstrap.kind === 'proxy') {
      await log.close();
      return (await import('./proxy-fallback.js')).startDiscoveredProxy(config, bootstrap.initialCluster, logger);
    }
    const { identity, knownMembers, how } = await resolveIdentity(bootstrap.config, loaded.meta.identity, (id) => log.setMeta('identity', id), peerTls);
    logger.info(...localMemberLine(how, identity.memberId, identity.clusterId));
    // As etcd: only a member restarting on its data is forced; a new one bootstraps as asked.
    if (config.forceNewCluster && how === 'restarted') loaded = await forceNewCluster(log, loaded, identity, { name: config.name, peerURLs: config.initialAdvertisePeerUrls }, logger);
    metrics = new MemberMetrics({ memberId: formatId(identity.memberId), processMetrics: true });
    member = new Member({
      config,
      identity,
      loaded,
      log,
      clock: systemClock,
      random: Math.random,
      logger,
      metrics,
      peers: (handlers) =>
        new PeerTransport({
          ...handlers,
          onRoundTrip: (peer, ms) => metrics?.peerRoundTrip.observe({ To: formatId(peer) }, ms / 1000),
          memberId: identity.memberId, clusterId: identity.clusterId, listenUrls: config.listenPeerUrls, logger, tls: peerTls }),
      knownMembers,
      onFatal: () => process.exit(1),
      onRemoved: () => void stop('removed from the cluster', 1),
    });
  } catch (err) {
    await log.close();
    throw err;
  }
  // /version names the etcd whose API this is: clients check it; raftkv's own version means nothing to them.
  const app = buildApp(member, { logger, version: ETCD_SERVER_VERSION, cors: config.cors });

  let listeners: ClientListeners | undefined;
  let stopping = false;
  async function stop(reason: string, code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    // Requests already sent are answered, through the new leader if this member led: only then
    // are the remaining connections (long polls) dropped and the member stopped.
    listeners?.stopAccepting();
    await member.handOver();
    await listeners?.close();
    await app.close();
    clientMaterial?.close();
    peerMaterial?.close();
    await member.stop();
    await log.close();
    logger.info({}, 'stopped');
    process.exit(code);
  }
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGINT', () => void stop('SIGINT', 0));

  await app.ready();
  await member.start();
  if (!(await member.ready) || stopping) return;
  const tls = config.clientTls;
  listeners = await ClientListeners.open({
    app,
    urls: config.listenClientUrls,
    tls: tls && clientMaterial && { material: clientMaterial, clientCertAuth: tls.clientCertAuth, allowedHostname: tls.allowedHostname },
    logger,
  });
  logger.info(servingFields(config, member.memberId), SERVING);
  logger.info({ clientURLs: config.listenClientUrls, peerURLs: config.listenPeerUrls }, 'ready to serve client requests');
}
