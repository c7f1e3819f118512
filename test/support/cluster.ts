// Real raftkv members as child processes on loopback, for multi-process tests: start, kill -9,
// pause, restart on the same data, find the leader, stop everything.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { memberFlags } from '../../bin/member-flags.js';
import { freePorts } from './ports.js';

export const RAFTKV_BIN = resolve(import.meta.dirname, '../../dist/bin/raftkv.js');

export interface TestMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  proc: ChildProcess | undefined;
  /** Everything the process printed, for failure messages. */
  output: string[];
  /** For a member added at runtime: the --initial-cluster it joins with (state "existing"). */
  joinCluster?: string;
}

export interface ClusterOptions {
  size?: number;
  heartbeatMs?: number;
  electionMs?: number;
  snapshotCount?: number;
  token?: string;
  /** Further flags given to every member, after the harness's own. */
  extraFlags?: string[];
}

export class TestCluster {
  readonly members: TestMember[];
  private readonly root: string;

  private constructor(members: TestMember[], root: string, private readonly opts: Required<ClusterOptions>) {
    this.members = members;
    this.root = root;
  }

  static async start(options: ClusterOptions = {}): Promise<TestCluster> {
    const opts: Required<ClusterOptions> = {
      size: 3,
      heartbeatMs: 50,
      electionMs: 500,
      snapshotCount: 100000,
      token: `test-${process.pid}-${Date.now()}`,
      extraFlags: [],
      ...options,
    };
    const root = mkdtempSync(join(tmpdir(), 'raftkv-cluster-'));
    const ports = await freePorts(opts.size * 2);
    const members: TestMember[] = Array.from({ length: opts.size }, (_, i) => ({
      name: `m${i + 1}`,
      clientUrl: `http://127.0.0.1:${ports[2 * i]}`,
      peerUrl: `http://127.0.0.1:${ports[2 * i + 1]}`,
      dataDir: join(root, `m${i + 1}`),
      proc: undefined,
      output: [],
    }));
    const cluster = new TestCluster(members, root, opts);
    for (let i = 0; i < members.length; i++) cluster.spawn(i);
    await cluster.waitForLeader();
    return cluster;
  }

  args(i: number): string[] {
    const m = this.members[i]!;
    return [
      ...memberFlags({
        ...m,
        initialCluster: m.joinCluster ?? this.founders().map((x) => `${x.name}=${x.peerUrl}`).join(','),
        initialClusterState: m.joinCluster ? 'existing' : 'new',
        initialClusterToken: this.opts.token,
      }),
      '--heartbeat-interval', String(this.opts.heartbeatMs),
      '--election-timeout', String(this.opts.electionMs),
      '--snapshot-count', String(this.opts.snapshotCount),
      ...this.opts.extraFlags,
    ];
  }

  private founders(): TestMember[] {
    return this.members.filter((m) => m.joinCluster === undefined);
  }

  /**
   * A new member's slot (ports, data dir), not yet added to the cluster: add it with
   * POST /v2/members or `etcdctl member add`, set its joinCluster, then spawn it.
   */
  async newSlot(): Promise<number> {
    const [client, peer] = await freePorts(2);
    const i = this.members.length;
    this.members.push({
      name: `m${i + 1}`,
      clientUrl: `http://127.0.0.1:${client}`,
      peerUrl: `http://127.0.0.1:${peer}`,
      dataDir: join(this.root, `m${i + 1}`),
      proc: undefined,
      output: [],
      joinCluster: '',
    });
    return i;
  }

  /** Adds a member at runtime through `via`'s /v2/members, as an operator would, and starts it. */
  async join(via: number): Promise<number> {
    const i = await this.newSlot();
    const m = this.members[i]!;
    const res = await fetch(`${this.url(via)}/v2/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peerURLs: [m.peerUrl] }),
    });
    if (res.status !== 201) throw new Error(`member add answered ${res.status}: ${await res.text()}`);
    const { members } = (await (await fetch(`${this.url(via)}/v2/members`)).json()) as { members: { name: string; peerURLs: string[] }[] };
    m.joinCluster = members.map((x) => `${x.name || m.name}=${x.peerURLs[0]}`).join(',');
    this.spawn(i);
    return i;
  }

  /** Resolves with the exit code once member i's process exits by itself. */
  async exited(i: number, timeoutMs: number): Promise<number | null> {
    const proc = this.members[i]!.proc;
    if (!proc) throw new Error(`${this.members[i]!.name} is not running`);
    if (proc.exitCode !== null) return proc.exitCode;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.members[i]!.name} did not exit within ${timeoutMs} ms`)), timeoutMs);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        this.members[i]!.proc = undefined;
        resolve(code);
      });
    });
  }

  spawn(i: number): void {
    const m = this.members[i]!;
    const proc = spawn(process.execPath, [RAFTKV_BIN, ...this.args(i)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      m.output.push(chunk.toString());
      if (m.output.length > 2000) m.output.splice(0, 1000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    m.proc = proc;
  }

  /** kill -9 (or another signal) and wait for the process to be gone. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.members[i]!.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill(signal);
    await exited;
    this.members[i]!.proc = undefined;
  }

  isRunning(i: number): boolean {
    const proc = this.members[i]!.proc;
    return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  }

  pause(i: number): void {
    this.members[i]!.proc?.kill('SIGSTOP');
  }

  resume(i: number): void {
    this.members[i]!.proc?.kill('SIGCONT');
  }

  async restart(i: number): Promise<void> {
    await this.kill(i);
    this.spawn(i);
    await waitFor(async () => (await getJSON(`${this.members[i]!.clientUrl}/v2/stats/self`))?.leaderInfo?.leader, 15000, `${this.members[i]!.name} to rejoin`);
  }

  /** Index of the member that reports itself leader, once all live members agree on one. */
  async waitForLeader(timeoutMs = 15000): Promise<number> {
    let leader = -1;
    await waitFor(async () => {
      const ids = new Set<string>();
      leader = -1;
      for (let i = 0; i < this.members.length; i++) {
        if (!this.isRunning(i)) continue;
        const self = await getJSON(`${this.members[i]!.clientUrl}/v2/stats/self`);
        if (!self?.leaderInfo?.leader) return false;
        ids.add(self.leaderInfo.leader);
        if (self.state === 'StateLeader') leader = i;
      }
      return ids.size === 1 && leader >= 0;
    }, timeoutMs, 'a leader');
    return leader;
  }

  url(i: number): string {
    return this.members[i]!.clientUrl;
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) {
      this.resume(i);
      await this.kill(i, 'SIGKILL');
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  logs(i: number): string {
    return this.members[i]!.output.join('');
  }
}

export async function getJSON(url: string): Promise<any> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return await res.json();
  } catch {
    return undefined;
  }
}

/** Polls `check` until it is truthy; a check that throws (a member not listening yet) counts as "not yet". */
export async function waitFor(check: () => Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
