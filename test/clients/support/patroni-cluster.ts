// Three Patroni nodes (each with its own PostgreSQL) in temp dirs, their DCS a raftkv cluster;
// and what "healthy" means for them: one primary and every other running node a streaming replica,
// by what PostgreSQL says and what Patroni's REST API says alike.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir, trackDir } from '../../../bench/harness/child-registry.js';
import { freePorts } from '../../../bench/harness/free-ports.js';
import { waitFor } from '../../../bench/harness/wait.js';
import { PatroniNode } from './patroni-node.js';

export interface Roles {
  primary: PatroniNode;
  replicas: PatroniNode[];
}

export class PatroniCluster {
  private constructor(
    readonly scope: string,
    readonly nodes: PatroniNode[],
    private readonly root: string,
  ) {}

  /** Lays out `size` nodes (ports none of `takenPorts`, a dir each) pointed at `etcdUrls`; starts none. */
  static async create(etcdUrls: string[], takenPorts: Set<number>, size = 3): Promise<PatroniCluster> {
    const root = mkdtempSync(join(tmpdir(), 'raftkv-patroni-'));
    trackDir(root);
    chmodSync(root, 0o711); // the postgres user (when we are root) must reach its node dir below
    const ports = await freePorts(2 * size, takenPorts);
    const scope = `raftkv-${process.pid}`;
    const nodes = Array.from({ length: size }, (_, i) => new PatroniNode({
      scope,
      name: `pg${i + 1}`,
      restPort: ports[2 * i]!,
      pgPort: ports[2 * i + 1]!,
      dir: join(root, `pg${i + 1}`),
      etcdUrls,
    }));
    return new PatroniCluster(scope, nodes, root);
  }

  node(name: string): PatroniNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no Patroni node ${name}`);
    return node;
  }

  /** The raftkv key Patroni keeps its leader lock in. */
  get leaderKey(): string {
    return `/service/${this.scope}/leader`;
  }

  /**
   * The roles, if the running nodes are healthy: exactly one says primary (to SQL and to /primary),
   * every other one says replica (to SQL and to /replica) and streams from the primary; else undefined.
   */
  async healthy(): Promise<Roles | undefined> {
    const running = this.nodes.filter((n) => n.isRunning());
    const roles = await Promise.all(running.map(async (n) => ({
      node: n,
      pg: await n.pgRole(),
      rest: (await n.restSays('primary')) ? 'primary' : (await n.restSays('replica')) ? 'replica' : 'neither',
    })));
    if (roles.some((r) => r.pg !== r.rest)) return undefined;
    const primaries = roles.filter((r) => r.pg === 'primary').map((r) => r.node);
    const replicas = roles.filter((r) => r.pg === 'replica').map((r) => r.node);
    if (primaries.length !== 1 || replicas.length !== running.length - 1) return undefined;
    const streaming = Number(await primaries[0]!.sql("select count(*) from pg_stat_replication where state = 'streaming'"));
    return streaming === replicas.length ? { primary: primaries[0]!, replicas } : undefined;
  }

  async waitHealthy(what: string, timeoutMs: number): Promise<Roles> {
    let roles: Roles | undefined;
    await waitFor(what, async () => (roles = await this.healthy()), timeoutMs, () => this.explain());
    return roles!;
  }

  /** Every node's role as Postgres has it and its log tail: the explanation of a failed wait. */
  explain(): string {
    return this.nodes.map((n) => n.tail()).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    removeDir(this.root);
  }
}
