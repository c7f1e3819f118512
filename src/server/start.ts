// Starts one member and its client listeners; SIGTERM/SIGINT stop it cleanly (exit 0).
import { buildApp } from '../../api/app.js';
import type { MemberConfig } from './config.js';
import { createLogger } from './logger.js';
import { Member } from './member.js';
import { ETCD_SERVER_VERSION } from './version.js';

export async function startMember(config: MemberConfig): Promise<void> {
  const logger = createLogger(config.name, config.logLevel);
  const member = await Member.start(config, logger);
  // /version names the etcd whose API this is: clients check it; raftkv's own version means nothing to them.
  const app = buildApp(member, { maxRequestBytes: config.maxRequestBytes, logger, version: ETCD_SERVER_VERSION });

  let stopping = false;
  const stop = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    await app.close();
    await member.stop();
    logger.info({}, 'stopped');
    process.exit(code);
  };
  // Set before anything else can fail: a removed member learns it from its first peer refusal.
  member.onRemoved = () => void stop('removed from the cluster', 1);
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGINT', () => void stop('SIGINT', 0));

  for (const url of config.listenClientUrls) {
    const { hostname, port } = new URL(url);
    await app.listen({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  }
  logger.info({ clientURLs: config.listenClientUrls, peerURLs: config.listenPeerUrls }, 'serving client requests');
}
