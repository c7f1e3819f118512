// etcd's v2 discovery protocol (etcdserver/api/v2discovery), step for step: read the cluster
// size, register this member under the token (create-only, so a second registration of one id
// is refused), then wait with a recursive watch until `size` members are registered; the first
// `size` by createdIndex are the cluster. Failures to reach the service are retried forever with
// etcd's backoff (2 s doubling to 256 s); anything else ends discovery with etcd's error.
import { ClusterError, ERROR_CODE_NODE_EXIST, EtcdError, InvalidJsonError, KeysClient, cleanPath } from './keys-client.js';
import type { DiscoveryHttp, KeyNode } from './keys-client.js';

/** etcd's discovery errors, word for word. */
export const DISCOVERY_ERRORS = {
  badSizeKey: 'discovery: size key is bad',
  duplicateId: 'discovery: found duplicate id',
  duplicateName: 'discovery: found duplicate name',
  fullCluster: 'discovery: cluster is full',
  badEndpoint: 'discovery: bad discovery endpoint',
  invalidUrl: 'discovery: invalid URL',
} as const;

export class DiscoveryError extends Error {}

/** etcd's backoff: 2^retries seconds, the exponent capped at 8 (256 s). */
const MAX_EXPONENTIAL_RETRIES = 8;

export interface DiscoveryLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface DiscoveryOptions {
  /** The discovery URL: its path is the token's directory on the service. */
  url: string;
  http: DiscoveryHttp;
  sleep: (ms: number) => Promise<void>;
  log: DiscoveryLog;
}

/** Who registered and with what: `size` registrations, in createdIndex order. */
export interface DiscoveredCluster {
  /** `name=peerURL,...`: every registration's value joined, as etcd hands it to types.NewURLsMap. */
  cluster: string;
  size: number;
}

export class Discovery {
  private readonly keys: KeysClient;
  /** The token's directory, e.g. /v2/keys/_etcd/registry/<token>. */
  private readonly dir: string;
  private readonly endpoint: string;
  private retries = 0;

  /** `selfId` is the member id as etcd prints it (hex, no leading zeros); absent when only reading. */
  constructor(private readonly options: DiscoveryOptions, private readonly selfId = '0') {
    const url = new URL(options.url);
    this.dir = url.pathname;
    this.endpoint = `${url.protocol}//${url.host}`;
    this.keys = new KeysClient(this.endpoint, options.http);
  }

  /** etcd's JoinCluster: register `value` (this member's `name=peerURL,...`) and wait for the others. */
  async joinCluster(value: string): Promise<DiscoveredCluster> {
    await this.checkCluster(); // a full cluster fails here, before registering
    await this.createSelf(value);
    const { nodes, size, index } = await this.checkCluster();
    return this.toCluster(await this.waitNodes(nodes, size, index), size);
  }

  /** etcd's GetCluster, for a proxy: the cluster as registered, full or once it fills up. */
  async getCluster(): Promise<DiscoveredCluster> {
    try {
      const { nodes, size, index } = await this.checkCluster();
      return this.toCluster(await this.waitNodes(nodes, size, index), size);
    } catch (err) {
      if (err instanceof FullCluster) return this.toCluster(err.nodes, err.size);
      throw err;
    }
  }

  private selfKey(): string {
    return cleanPath(`${this.dir}/${this.selfId}`);
  }

  private async createSelf(value: string): Promise<void> {
    let created;
    try {
      created = await this.keys.create(this.selfKey(), value);
    } catch (err) {
      if (err instanceof EtcdError && err.errorCode === ERROR_CODE_NODE_EXIST) throw new DiscoveryError(DISCOVERY_ERRORS.duplicateId);
      throw err;
    }
    // As etcd: make sure the registration is visible on the server answering.
    await this.keys.watch(this.selfKey(), created.node.createdIndex, false);
  }

  private async checkCluster(): Promise<{ nodes: KeyNode[]; size: number; index: number }> {
    const sizeKey = cleanPath(`${this.dir}/_config/size`);
    let answer;
    try {
      answer = await this.keys.get(sizeKey);
    } catch (err) {
      // etcd's check for a missing size key never matches (it tests the wrong error type), so
      // a token that does not exist ends discovery with the server's own "Key not found".
      if (err instanceof InvalidJsonError) throw new DiscoveryError(DISCOVERY_ERRORS.badEndpoint);
      if (err instanceof ClusterError) return this.retry('cluster status check', sizeKey, err, () => this.checkCluster());
      throw err;
    }
    const size = parseGoUint(answer.node.value ?? '');
    if (size === undefined) throw new DiscoveryError(DISCOVERY_ERRORS.badSizeKey);

    let listing;
    try {
      listing = await this.keys.get(this.dir);
    } catch (err) {
      if (err instanceof ClusterError) return this.retry('cluster status check', this.dir, err, () => this.checkCluster());
      throw err;
    }
    const nodes = (listing.node.nodes ?? []).filter((n) => lastSegment(n.key) !== '_config').sort((a, b) => a.createdIndex - b.createdIndex);
    // Full when `size` others registered before this member (or it is not registered at all);
    // a size of 0 never is (Go's size-1 wraps around).
    const self = lastSegment(this.selfKey());
    for (let i = 0; i < nodes.length; i++) {
      if (lastSegment(nodes[i]!.key) === self) break;
      if (size > 0 && i >= size - 1) throw new FullCluster(nodes.slice(0, size), size);
    }
    return { nodes, size, index: listing.index };
  }

  private async waitNodes(found: KeyNode[], size: number, index: number): Promise<KeyNode[]> {
    const all = found.slice(0, size);
    const self = lastSegment(this.selfKey());
    for (const n of all) {
      const peer = lastSegment(n.key);
      this.options.log.info({ discoveryUrl: this.options.url, ...(peer === self ? { self: peer } : { peer }) }, peer === self ? 'found self from discovery server' : 'found peer from discovery server');
    }
    let next = index + 1;
    while (all.length < size) {
      this.options.log.info({ discoveryUrl: this.options.url, foundPeers: all.length, neededPeers: size - all.length }, 'found peers from discovery server; waiting for more');
      let event;
      try {
        event = await this.keys.watch(this.dir, next, true);
      } catch (err) {
        if (!(err instanceof ClusterError)) throw err;
        return this.retry('waiting for other nodes', this.dir, err, async () => {
          const again = await this.checkCluster();
          return this.waitNodes(again.nodes, again.size, again.index);
        });
      }
      next = event.node.modifiedIndex + 1;
      this.options.log.info({ discoveryUrl: this.options.url, peer: lastSegment(event.node.key) }, 'found peer from discovery server');
      all.push(event.node);
    }
    this.options.log.info({ discoveryUrl: this.options.url, foundPeers: all.length }, 'found all needed peers from discovery server');
    return all;
  }

  private async retry<T>(step: string, path: string, err: Error, again: () => Promise<T>): Promise<T> {
    this.retries++;
    const backoffMs = 2 ** Math.min(this.retries, MAX_EXPONENTIAL_RETRIES) * 1000;
    this.options.log.warn({ discoveryUrl: this.endpoint, path, error: err.message }, 'failed to get from discovery server');
    this.options.log.info({ url: this.endpoint, reason: step, backoff: `${backoffMs / 1000}s` }, 'retry connecting to discovery service');
    await this.options.sleep(backoffMs);
    return again();
  }

  /** etcd's nodesToCluster: the values joined; a name registered twice is refused. */
  private toCluster(nodes: KeyNode[], size: number): DiscoveredCluster {
    const cluster = nodes.map((n) => n.value ?? '').join(',');
    const names = new Set<string>();
    for (const pair of cluster.split(',')) {
      const eq = pair.indexOf('=');
      if (eq < 0) throw new DiscoveryError(DISCOVERY_ERRORS.invalidUrl);
      names.add(pair.slice(0, eq));
    }
    if (names.size !== size) throw new DiscoveryError(DISCOVERY_ERRORS.duplicateName);
    return { cluster, size };
  }
}

/** The cluster is full: carries the first `size` registrations (what a proxy would use). */
export class FullCluster extends DiscoveryError {
  constructor(readonly nodes: KeyNode[], readonly size: number) {
    super(DISCOVERY_ERRORS.fullCluster);
  }
}

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** strconv.ParseUint(s, 10, 0): decimal digits only, within 64 bits. */
function parseGoUint(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text) || BigInt(text) >= 2n ** 64n) return undefined;
  return Number(text);
}
