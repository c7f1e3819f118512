// A cluster under test — raftkv or etcd, started by the harness in a temp dir on free loopback
// ports with the same flags and layout for both, so the two differ only in the server binary.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { removeDir, trackChild, trackDir } from './child-registry.js';
import { memberFlags } from '../bin/member-flags.js';
import { freePorts } from './free-ports.js';

export type TargetKind = 'raftkv' | 'etcd';

export const RAFTKV_BIN = resolve(import.meta.dirname, '../bin/raftkv.js');

// etcd's defaults, passed to both explicitly: failover timing depends on them.
const HEARTBEAT_MS = 100;
const ELECTION_MS = 1000;

interface Member {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  logFile: string;
  proc: ChildProcess | undefined;
}

interface StatsSelf {
  state?: string;
  leaderInfo?: { leader?: string };
}

async function getJson<T>(url: string, timeoutMs = 2000): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export class ClusterTarget {
  private constructor(
    readonly kind: TargetKind,
    private readonly members: Member[],
    private readonly root: string,
    private readonly etcdBinary: string,
  ) {}

  /** Starts `size` members and resolves once they agree on a leader. */
  static async start(kind: TargetKind, size: number, etcdBinary: string): Promise<ClusterTarget> {
    const root = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
    trackDir(root);
    const ports = await freePorts(size * 2);
    const members = Array.from({ length: size }, (_, i): Member => ({
      name: `m${i + 1}`,
      clientUrl: `http://127.0.0.1:${ports[2 * i]}`,
      peerUrl: `http://127.0.0.1:${ports[2 * i + 1]}`,
      dataDir: join(root, `m${i + 1}.data`),
      logFile: join(root, `m${i + 1}.log`),
      proc: undefined,
    }));
    const cluster = new ClusterTarget(kind, members, root, etcdBinary);
    try {
      members.forEach((_, i) => cluster.spawn(i));
      await cluster.waitForLeader();
      return cluster;
    } catch (err) {
      const tail = readFileSync(members[0]!.logFile, 'utf8').split('\n').slice(-15).join('\n');
      await cluster.stop();
      throw new Error(`${kind} cluster did not start: ${(err as Error).message}\nlast lines of m1's log:\n${tail}`);
    }
  }

  private spawn(i: number): void {
    const m = this.members[i]!;
    const flags = [
      ...memberFlags({
        ...m,
        initialCluster: this.members.map((x) => `${x.name}=${x.peerUrl}`).join(','),
        initialClusterToken: `bench-${process.pid}`,
        initialClusterState: 'new',
      }),
      '--heartbeat-interval', String(HEARTBEAT_MS),
      '--election-timeout', String(ELECTION_MS),
      '--log-level', 'warn',
    ];
    const [command, args] = this.kind === 'raftkv'
      ? [process.execPath, [RAFTKV_BIN, ...flags]]
      : [this.etcdBinary, ['--enable-v2', ...flags]];
    // Output goes to a file rather than a pipe: an undrained pipe would stall a busy member.
    const log = openSync(m.logFile, 'a');
    m.proc = spawn(command, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    trackChild(m.proc);
  }

  get size(): number {
    return this.members.length;
  }

  clientUrls(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  liveIndexes(): number[] {
    return this.members.flatMap((m, i) => (m.proc ? [i] : []));
  }

  pid(i: number): number {
    const pid = this.members[i]!.proc?.pid;
    if (pid === undefined) throw new Error(`${this.members[i]!.name} is not running`);
    return pid;
  }

  /** Index of the member reporting StateLeader, once every live member names the same leader. */
  async waitForLeader(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const live = this.liveIndexes();
      const stats = await Promise.all(live.map((i) => getJson<StatsSelf>(`${this.members[i]!.clientUrl}/v2/stats/self`)));
      const leaders = new Set(stats.map((s) => s?.leaderInfo?.leader));
      const leader = stats.findIndex((s) => s?.state === 'StateLeader');
      if (leader >= 0 && leaders.size === 1 && !leaders.has(undefined) && !leaders.has('')) return live[leader]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no leader within ${timeoutMs} ms`);
  }

  /** kill -9, resolving once the process is gone. */
  async kill(i: number): Promise<void> {
    const proc = this.members[i]!.proc;
    if (!proc) return;
    this.members[i]!.proc = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((_, i) => this.kill(i)));
    removeDir(this.root);
  }
}
