// Where a proxy's member list comes from: etcd's GetClusterFromRemotePeers over the peer URLs
// it knows. Each is asked `GET /members` in turn; the first that answers a member list with a
// cluster id gives the cluster's client URLs, and its peer URLs replace the known ones (and are
// remembered on disk), so the proxy follows members that come and go.
import type { DirectorLog } from './director.js';

export interface PeerAnswer {
  /** The X-Etcd-Cluster-ID header, if any. */
  clusterId: string | undefined;
  body: string;
}

/** Asks one peer URL for `/members`; rejects when no answer comes (refused, timed out, cut). */
export type AskMembers = (peerUrl: string) => Promise<PeerAnswer>;

interface WireMember {
  peerURLs?: string[] | null;
  clientURLs?: string[] | null;
}

export interface ClusterSourceOptions {
  peerUrls: string[];
  ask: AskMembers;
  /** Remembers the peer URLs learned (the cluster file). */
  remember(peerUrls: string[]): Promise<void>;
  log: DirectorLog;
}

/** Go's types.IDFromString: hex, at most 64 bits. */
function validClusterId(text: string | undefined): boolean {
  return text !== undefined && /^[0-9a-fA-F]{1,16}$/.test(text);
}

function membersOf(body: string): WireMember[] | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return Array.isArray(parsed) && parsed.every((m) => typeof m === 'object' && m !== null) ? (parsed as WireMember[]) : undefined;
  } catch {
    return undefined;
  }
}

const sortedUrls = (members: WireMember[], pick: (m: WireMember) => string[] | null | undefined): string[] =>
  members.flatMap((m) => pick(m) ?? []).sort();

export class ClusterSource {
  private peerUrls: string[];

  constructor(private readonly opts: ClusterSourceOptions) {
    this.peerUrls = [...opts.peerUrls];
  }

  knownPeerUrls(): string[] {
    return [...this.peerUrls];
  }

  /** The cluster's client URLs, sorted; empty when no peer URL answered. */
  async clientUrls(): Promise<string[]> {
    const members = await this.fetch();
    if (!members) return [];
    const peers = sortedUrls(members, (m) => m.peerURLs);
    try {
      await this.opts.remember(peers);
    } catch (err) {
      this.opts.log.warn(`proxy failed to write cluster file: ${(err as Error).message}`);
      return sortedUrls(members, (m) => m.clientURLs);
    }
    if (peers.join(',') !== this.peerUrls.join(',')) {
      this.opts.log.info(`proxy updated peer URLs from ${JSON.stringify(this.peerUrls)} to ${JSON.stringify(peers)}`);
    }
    this.peerUrls = peers;
    return sortedUrls(members, (m) => m.clientURLs);
  }

  private async fetch(): Promise<WireMember[] | undefined> {
    for (const url of this.peerUrls) {
      let answer: PeerAnswer;
      try {
        answer = await this.opts.ask(url);
      } catch (err) {
        this.opts.log.warn(`could not get cluster response from ${url}: ${(err as Error).message}`);
        continue;
      }
      const members = membersOf(answer.body);
      if (!members) {
        this.opts.log.warn(`could not unmarshal cluster response from ${url}`);
        continue;
      }
      if (!validClusterId(answer.clusterId)) {
        this.opts.log.warn(`could not parse the cluster ID from cluster response of ${url}`);
        continue;
      }
      // As etcd: an empty list ends the search rather than trying the next URL.
      if (members.length > 0) return members;
      break;
    }
    this.opts.log.warn(`failed to get cluster from remote peers ${JSON.stringify(this.peerUrls)}`);
    return undefined;
  }
}
