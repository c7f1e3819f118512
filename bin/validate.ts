// The checks etcd's embed.Config.Validate makes of a configuration, in its order and words.
// Each returns the reason, which the caller reports as "error verifying flags, <reason>".
import { isIP } from 'node:net';
import type { MemberConfig } from '../src/server/config.js';
import { parseEtcdUrl } from './etcd-urls.js';

/** etcd's ceiling on --election-timeout. */
const MAX_ELECTION_MS = 50_000;

export const ADVERTISE_CLIENT_URLS_REQUIRED = '--advertise-client-urls is required when --listen-client-urls is set explicitly';

/** The initial cluster is checked separately, later, as etcd does (see initial-cluster.ts). */
export const CONFLICTING_BOOTSTRAP_FLAGS =
  'multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"';

/** `bootstrapSources`: how many of a non-empty --initial-cluster, --discovery and --discovery-srv are set. */
export function validateConfig(config: Omit<MemberConfig, 'initialCluster'>, bootstrapSources: number): string | undefined {
  return (
    checkBindUrls(config.listenPeerUrls) ??
    checkBindUrls(config.listenClientUrls) ??
    checkHostUrls('initial-advertise-peer-urls', config.initialAdvertisePeerUrls) ??
    checkHostUrls('advertise-client-urls', config.advertiseClientUrls) ??
    (bootstrapSources > 1 ? CONFLICTING_BOOTSTRAP_FLAGS : undefined) ??
    checkTimeouts(config) ??
    // A proxy advertises nothing (etcd's mayBeProxy).
    (config.listenClientUrls.length > 0 && config.advertiseClientUrls.length === 0 && config.proxy.mode === 'off' ? ADVERTISE_CLIENT_URLS_REQUIRED : undefined)
  );
}

/** A URL to listen on names an IP address (or localhost), never a host name to resolve. */
function checkBindUrls(urls: readonly string[]): string | undefined {
  const bad = urls.find((u) => {
    const { host } = parseEtcdUrl(u);
    return host !== 'localhost' && isIP(host) === 0;
  });
  return bad === undefined ? undefined : `expected IP in URL for binding (${bad})`;
}

function checkHostUrls(flag: string, urls: readonly string[]): string | undefined {
  const bad = urls.find((u) => parseEtcdUrl(u).host === '');
  return bad === undefined ? undefined : `--${flag} ${JSON.stringify(urls.join(','))} must be "host:port" (unexpected empty host (${bad}))`;
}

function checkTimeouts({ heartbeatIntervalMs: tick, electionTimeoutMs: election }: Pick<MemberConfig, 'heartbeatIntervalMs' | 'electionTimeoutMs'>): string | undefined {
  if (tick <= 0) return `--heartbeat-interval must be >0 (set to ${tick}ms)`;
  if (election <= 0) return `--election-timeout must be >0 (set to ${election}ms)`;
  if (5 * tick > election) return `--election-timeout[${election}ms] should be at least as 5 times as --heartbeat-interval[${tick}ms]`;
  if (election > MAX_ELECTION_MS) return `--election-timeout[${election}ms] is too long, and should be set less than ${MAX_ELECTION_MS}ms`;
  return undefined;
}
