// Three, five (or any number of) real raftkv processes (the harness's ProcessCluster, with proxied peers) whose
// peer links all run through FaultProxies owned by the test: member j listens for peers on a
// private port and advertises its proxy's port, which every member (j included) dials. Kill -9,
// pause and restart act on `processes`; partitions act on the proxies.
import { getJSON } from '../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { FaultProxy } from './fault-proxy.js';
import type { LinkMode } from './fault-proxy.js';

const portOf = (url: string): number => Number(new URL(url).port);

export class ProxiedCluster {
  private constructor(
    readonly processes: ProcessCluster,
    /** proxies[j] carries every peer connection into member j. */
    readonly proxies: FaultProxy[],
    /** The member ids as the transport's Hello names them (16 hex digits), by member index. */
    readonly ids: string[],
  ) {}

  /** Member i was replaced (removed, added back on an empty data dir) and has a new id. */
  setId(i: number, id: string): void {
    this.ids[i] = id.padStart(16, '0');
  }

  static async start(size = 3, heartbeatMs = 50, electionMs = 500, snapshotCount?: number): Promise<ProxiedCluster> {
    const processes = await ProcessCluster.create({
      size,
      heartbeatMs,
      electionMs,
      snapshotCount,
      proxiedPeers: true,
      label: 'raftkv-jepsen',
      token: `jepsen-${process.pid}-${Date.now()}`,
    });
    const proxies = processes.members.map((m) => new FaultProxy(portOf(m.peerUrl), portOf(m.listenPeerUrl)));
    try {
      for (const proxy of proxies) await proxy.start();
      await processes.startAll();
      let list: { id: string; name: string }[] = [];
      await waitFor('the member list', async () => {
        list = (await getJSON(`${processes.url(0)}/v2/members`))?.members ?? [];
        return processes.members.every((m) => list.some((x) => x.name === m.name));
      }, CLUSTER_WAIT_MS, processes.recentOutput);
      // /v2/members drops an id's leading zeros, as etcd does; the Hello the proxies read keeps
      // all 16 digits. Unpadded, a member whose id starts with 0 (one in sixteen) was never
      // matched: its links were counted under another name and no fault ever touched them.
      const ids = processes.members.map((m) => list.find((x) => x.name === m.name)!.id.padStart(16, '0'));
      return new ProxiedCluster(processes, proxies, ids);
    } catch (err) {
      await processes.stop();
      for (const proxy of proxies) await proxy.stop();
      throw err;
    }
  }

  /** Sets the mode of the link from member `from` into member `to`. */
  setLink(from: number, to: number, mode: LinkMode): void {
    this.proxies[to]!.setMode(this.ids[from]!, mode);
  }

  /** Cuts (both directions) every link between the two groups. */
  partition(a: number[], b: number[], mode: LinkMode): void {
    for (const x of a)
      for (const y of b) {
        this.setLink(x, y, mode);
        this.setLink(y, x, mode);
      }
  }

  healNetwork(): void {
    for (const proxy of this.proxies) proxy.healAll();
  }

  /** Connections member `from` has opened through member `to`'s proxy. */
  connections(from: number, to: number): number {
    return this.proxies[to]!.connectionsFrom.get(this.ids[from]!) ?? 0;
  }

  async stop(): Promise<void> {
    await this.processes.stop();
    for (const proxy of this.proxies) await proxy.stop();
  }
}
