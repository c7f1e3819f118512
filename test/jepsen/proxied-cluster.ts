// Three (or more) real raftkv processes whose peer links all run through FaultProxies owned by
// the test: member j listens for peers on a private port and advertises its proxy's port, which
// every member (j included) dials. Kill -9, pause and restart act on the processes; partitions
// act on the proxies. Unexpected exits are recorded as crashes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getJSON, RAFTKV_BIN, waitFor } from '../support/cluster.js';
import { freePorts } from '../support/ports.js';
import { FaultProxy } from './fault-proxy.js';
import type { LinkMode } from './fault-proxy.js';

export interface ProxiedMember {
  name: string;
  clientUrl: string;
  peerPort: number;
  proxy: FaultProxy;
  dataDir: string;
  /** The raft member id (hex), known once the cluster is up. */
  id: string;
  proc: ChildProcess | undefined;
  paused: boolean;
  output: string[];
}

export interface Crash {
  member: string;
  code: number | null;
  signal: string | null;
  tail: string;
}

export class ProxiedCluster {
  readonly crashes: Crash[] = [];
  private constructor(
    readonly members: ProxiedMember[],
    private readonly root: string,
    private readonly token: string,
    private readonly heartbeatMs: number,
    private readonly electionMs: number,
  ) {}

  static async start(size = 3, heartbeatMs = 50, electionMs = 500): Promise<ProxiedCluster> {
    const root = mkdtempSync(join(tmpdir(), 'raftkv-jepsen-'));
    const ports = await freePorts(size * 3);
    const members: ProxiedMember[] = Array.from({ length: size }, (_, i) => ({
      name: `m${i + 1}`,
      clientUrl: `http://127.0.0.1:${ports[3 * i]}`,
      peerPort: ports[3 * i + 1]!,
      proxy: new FaultProxy(ports[3 * i + 2]!, ports[3 * i + 1]!),
      dataDir: join(root, `m${i + 1}`),
      id: '',
      proc: undefined,
      paused: false,
      output: [],
    }));
    const cluster = new ProxiedCluster(members, root, `jepsen-${process.pid}-${Date.now()}`, heartbeatMs, electionMs);
    for (const m of members) await m.proxy.start();
    for (let i = 0; i < size; i++) cluster.spawn(i);
    await cluster.waitForLeader();
    const list = await getJSON(`${members[0]!.clientUrl}/v2/members`);
    for (const m of members) m.id = (list.members as { id: string; name: string }[]).find((x) => x.name === m.name)!.id;
    return cluster;
  }

  get size(): number {
    return this.members.length;
  }

  electionMsValue(): number {
    return this.electionMs;
  }

  private args(i: number): string[] {
    const m = this.members[i]!;
    const advertised = (x: ProxiedMember): string => `http://127.0.0.1:${x.proxy.listenPort}`;
    return [
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl,
      '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', `http://127.0.0.1:${m.peerPort}`,
      '--initial-advertise-peer-urls', advertised(m),
      '--initial-cluster', this.members.map((x) => `${x.name}=${advertised(x)}`).join(','),
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', this.token,
      '--heartbeat-interval', String(this.heartbeatMs),
      '--election-timeout', String(this.electionMs),
    ];
  }

  spawn(i: number): void {
    const m = this.members[i]!;
    const proc = spawn(process.execPath, [RAFTKV_BIN, ...this.args(i)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RAFTKV_LOG_LEVEL: process.env.RAFTKV_LOG_LEVEL ?? 'warn' },
    });
    const keep = (chunk: Buffer): void => {
      m.output.push(chunk.toString());
      if (m.output.length > 2000) m.output.splice(0, 1000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    proc.once('exit', (code, signal) => {
      if (m.proc === proc) {
        m.proc = undefined;
        this.crashes.push({ member: m.name, code, signal, tail: m.output.join('').slice(-4000) });
      }
    });
    m.proc = proc;
    m.paused = false;
  }

  alive(i: number): boolean {
    return this.members[i]!.proc !== undefined;
  }

  /** kill -9 (an intended death, not a crash). */
  async kill(i: number): Promise<void> {
    const m = this.members[i]!;
    const proc = m.proc;
    if (!proc) return;
    m.proc = undefined;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
    m.paused = false;
  }

  pause(i: number): void {
    const m = this.members[i]!;
    if (m.proc && !m.paused) {
      m.proc.kill('SIGSTOP');
      m.paused = true;
    }
  }

  resume(i: number): void {
    const m = this.members[i]!;
    if (m.proc && m.paused) {
      m.proc.kill('SIGCONT');
      m.paused = false;
    }
  }

  /** Sets the mode of the link from member `from` into member `to`. */
  setLink(from: number, to: number, mode: LinkMode): void {
    this.members[to]!.proxy.setMode(this.members[from]!.id, mode);
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
    for (const m of this.members) m.proxy.healAll();
  }

  /** The member that says it is leader, if the live members (of `among`) agree on one; else -1. */
  async leader(among: number[] = this.members.map((_, i) => i)): Promise<number> {
    let leader = -1;
    const ids = new Set<string>();
    for (const i of among) {
      if (!this.alive(i) || this.members[i]!.paused) continue;
      const self = await getJSON(`${this.members[i]!.clientUrl}/v2/stats/self`);
      if (!self?.leaderInfo?.leader) return -1;
      ids.add(self.leaderInfo.leader);
      if (self.state === 'StateLeader') leader = i;
    }
    return ids.size === 1 ? leader : -1;
  }

  async waitForLeader(timeoutMs = 20000, among?: number[]): Promise<number> {
    let leader = -1;
    await waitFor(async () => (leader = await this.leader(among)) >= 0, timeoutMs, 'a leader');
    return leader;
  }

  logs(i: number): string {
    return this.members[i]!.output.join('');
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.size; i++) {
      this.resume(i);
      await this.kill(i);
    }
    for (const m of this.members) await m.proxy.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
