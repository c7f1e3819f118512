// Real members as child processes on loopback — raftkv, or etcd for the benchmark's comparison —
// for the multi-process tests, the fault-injection (jepsen) tests and the benchmark: free ports,
// a temp data dir each, etcd's flags (bin/member-flags.ts), kill -9, SIGSTOP/SIGCONT, restart
// on the same data, members added at runtime, leader lookup, output kept for failure messages,
// and stop-all. Unexpected exits are recorded as crashes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { memberFlags } from '../../bin/member-flags.js';
import { removeDir, trackChild, trackDir } from './child-registry.js';
import { clientFetch } from './client-fetch.js';
import type { ClientCertFiles, Fetch } from './client-fetch.js';
import { freePorts } from './free-ports.js';
import { getJSON } from './get-json.js';
import { waitFor } from './wait.js';

/** The compiled server: this file runs from dist/bench/harness/ (the benchmark) or from the sources (vitest). */
export const RAFTKV_BIN = resolve(import.meta.dirname, import.meta.url.endsWith('.ts') ? '../../dist/bin/raftkv.js' : '../../bin/raftkv.js');

/** How long a cluster may take to start, elect a leader or take a member back, on a busy 2-core machine. */
export const CLUSTER_WAIT_MS = 60_000;

export interface ProcessMember {
  name: string;
  clientUrl: string;
  /** The peer URL the member advertises and every member dials. */
  peerUrl: string;
  /** Where the member listens for peers: peerUrl, or with `proxiedPeers` a port the caller forwards peerUrl to. */
  listenPeerUrl: string;
  dataDir: string;
  /** The process last spawned; kept after it exits by itself (see exited), cleared by kill. */
  proc: ChildProcess | undefined;
  paused: boolean;
  /** Recent output chunks (stdout and stderr), for failure messages. */
  output: string[];
  /** For a member added at runtime: the --initial-cluster it joins with (state "existing"). */
  joinCluster?: string;
}

export interface Crash {
  member: string;
  code: number | null;
  signal: string | null;
  tail: string;
}

export interface ProcessClusterOptions {
  size?: number;
  heartbeatMs?: number;
  electionMs?: number;
  /** --snapshot-count; the server's default when absent. */
  snapshotCount?: number;
  token?: string;
  /** Prefix of the temp directory holding the data dirs. */
  label?: string;
  /** The server to run; raftkv from dist/ by default. Both get the same etcd flags. */
  server?: { command: string; args: string[] };
  /** Flags after the placement and timing flags (e.g. --log-level warn). */
  extraFlags?: string[];
  /** Environment added to this process's for every member. */
  env?: Record<string, string>;
  /**
   * Each member listens for peers on a private port behind its advertised peer URL, which the
   * caller serves (a fault proxy per member forwarding to listenPeerUrl).
   */
  proxiedPeers?: boolean;
  /**
   * https client URLs: every member serves `certFile`/`keyFile` (--cert-file, --key-file) plus
   * `flags` (say --client-cert-auth --trusted-ca-file …); the harness's own requests present the
   * same certificate and trust `caFile`.
   */
  clientTls?: ClientCertFiles & { flags?: string[] };
  /** https peer URLs: member `name` gets these --peer-* TLS flags (its own certificate, say). */
  peerTls?: (name: string) => string[];
  /** Founding members bootstrap through this discovery URL (--discovery) rather than --initial-cluster. */
  discovery?: string;
}

type Optional = 'snapshotCount' | 'clientTls' | 'peerTls' | 'discovery';
type Settings = Required<Omit<ProcessClusterOptions, Optional>> & Pick<ProcessClusterOptions, Optional>;

const OUTPUT_CHUNKS_KEPT = 2000;

export class ProcessCluster {
  readonly members: ProcessMember[] = [];
  /** Exits the cluster did not cause with kill(): crashes, and exits a test provoked (see exited). */
  readonly crashes: Crash[] = [];
  /** fetch that reaches the client URLs (with the harness's client certificate over https). */
  readonly fetch: Fetch;
  /** Processes whose exit by themselves the caller provoked (see expectExit). */
  private readonly expectedExits = new Set<ChildProcess>();

  private constructor(
    readonly settings: Settings,
    private readonly root: string,
  ) {
    this.fetch = clientFetch(settings.clientTls);
  }

  /** Lays out the members (ports, data dirs) without starting them; `startAll` starts them. */
  static async create(options: ProcessClusterOptions = {}): Promise<ProcessCluster> {
    const settings: Settings = {
      size: 3,
      heartbeatMs: 50,
      electionMs: 500,
      token: `test-${process.pid}-${Date.now()}`,
      label: 'raftkv-cluster',
      server: { command: process.execPath, args: [RAFTKV_BIN] },
      extraFlags: [],
      env: {},
      proxiedPeers: false,
      ...options,
    };
    const root = mkdtempSync(join(tmpdir(), `${settings.label}-`));
    trackDir(root);
    const cluster = new ProcessCluster(settings, root);
    for (let i = 0; i < settings.size; i++) await cluster.addSlot(undefined);
    return cluster;
  }

  /** Starts `size` members and resolves once they agree on a leader. */
  static async start(options: ProcessClusterOptions = {}): Promise<ProcessCluster> {
    const cluster = await ProcessCluster.create(options);
    await cluster.startAll();
    return cluster;
  }

  /**
   * Spawns every member not running and waits until all of them agree on a leader; on failure
   * (a member exits, say because another process took its port, or no leader in time) stops
   * everything and throws.
   */
  async startAll(timeoutMs = CLUSTER_WAIT_MS): Promise<void> {
    try {
      for (let i = 0; i < this.members.length; i++) if (!this.isRunning(i)) this.spawn(i);
      let gone = -1;
      await waitFor('every member to start and agree on a leader', async () => {
        gone = this.members.findIndex((_, i) => !this.isRunning(i));
        return gone >= 0 || (await this.leader()) >= 0;
      }, timeoutMs, this.recentOutput);
      if (gone >= 0) throw new Error(`${this.members[gone]!.name} exited while starting\n${this.outputTail(gone)}`);
    } catch (err) {
      await this.stop();
      throw new Error(`the cluster did not start: ${(err as Error).message}`);
    }
  }

  get size(): number {
    return this.members.length;
  }

  url(i: number): string {
    return this.members[i]!.clientUrl;
  }

  clientUrls(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /**
   * A new member's slot (ports, data dir), not yet added to the cluster: add it with
   * POST /v2/members or `etcdctl member add`, set its joinCluster, then spawn it.
   */
  newSlot(): Promise<number> {
    return this.addSlot('');
  }

  /** joinCluster undefined: a founding member. */
  private async addSlot(joinCluster: string | undefined): Promise<number> {
    const ports = await freePorts(this.settings.proxiedPeers ? 3 : 2, this.portsHandedOut());
    const i = this.members.length;
    const name = `m${i + 1}`;
    const peerScheme = this.settings.peerTls ? 'https' : 'http';
    const listenPeerUrl = `${peerScheme}://127.0.0.1:${ports[1]}`;
    this.members.push({
      name,
      clientUrl: `${this.settings.clientTls ? 'https' : 'http'}://127.0.0.1:${ports[0]}`,
      peerUrl: this.settings.proxiedPeers ? `${peerScheme}://127.0.0.1:${ports[2]}` : listenPeerUrl,
      listenPeerUrl,
      dataDir: join(this.root, name),
      proc: undefined,
      paused: false,
      output: [],
      joinCluster,
    });
    return i;
  }

  private portsHandedOut(): Set<number> {
    return new Set(this.members.flatMap((m) => [m.clientUrl, m.peerUrl, m.listenPeerUrl].map((url) => Number(new URL(url).port))));
  }

  /** Adds a member at runtime through `via`'s /v2/members, as an operator would, and starts it. */
  /** `headers` go with the member add (credentials, once v2 auth is on). */
  async join(via: number, headers: Record<string, string> = {}): Promise<number> {
    const i = await this.newSlot();
    await this.addAndStart(i, via, headers);
    return i;
  }

  /**
   * Adds slot i's member through `via`'s /v2/members and starts it to join (state "existing"):
   * a new slot, or one whose member was removed and whose data dir was emptied (a replacement
   * on the same addresses). Resolves with the id the cluster gave it.
   */
  async addAndStart(i: number, via: number, headers: Record<string, string> = {}): Promise<string> {
    const m = this.members[i]!;
    // As etcd, a member refuses to add one until every voter has been connected for 5 s
    // (--strict-reconfig-check): an operator's script, like this one, asks again.
    let status = 0;
    let answer = '';
    await waitFor(`member add of ${m.name} to be accepted`, async () => {
      const res = await this.fetch(`${this.url(via)}/v2/members`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ peerURLs: [m.peerUrl] }),
      });
      [status, answer] = [res.status, await res.text()];
      return status !== 500;
    }, CLUSTER_WAIT_MS, () => `last answer ${status}: ${answer}`);
    if (status !== 201) throw new Error(`member add answered ${status}: ${answer}`);
    const { members } = (await (await this.fetch(`${this.url(via)}/v2/members`)).json()) as { members: { name: string; peerURLs: string[] }[] };
    m.joinCluster = members.map((x) => `${x.name || m.name}=${x.peerURLs[0]}`).join(',');
    this.spawn(i);
    return (JSON.parse(answer) as { id: string }).id;
  }

  /** The server's command line for member i, `once` last (flags for this start only). */
  private args(i: number, once: string[]): string[] {
    const m = this.members[i]!;
    const s = this.settings;
    const founders = this.members.filter((x) => x.joinCluster === undefined);
    return [
      ...s.server.args,
      ...memberFlags({
        ...m,
        initialCluster: m.joinCluster || founders.map((x) => `${x.name}=${x.peerUrl}`).join(','),
        initialClusterState: m.joinCluster ? 'existing' : 'new',
        initialClusterToken: s.token,
        ...(s.discovery && !m.joinCluster ? { discovery: s.discovery } : {}),
      }),
      '--heartbeat-interval', String(s.heartbeatMs),
      '--election-timeout', String(s.electionMs),
      ...(s.snapshotCount === undefined ? [] : ['--snapshot-count', String(s.snapshotCount)]),
      ...(s.clientTls ? ['--cert-file', s.clientTls.certFile, '--key-file', s.clientTls.keyFile, ...(s.clientTls.flags ?? [])] : []),
      ...(s.peerTls?.(m.name) ?? []),
      ...s.extraFlags,
      ...once,
    ];
  }

  /** Starts member i; `once` are flags for this start only (say --force-new-cluster). */
  spawn(i: number, once: string[] = []): void {
    const m = this.members[i]!;
    const proc = spawn(this.settings.server.command, this.args(i, once), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.settings.env },
    });
    trackChild(proc);
    const keep = (chunk: Buffer | string): void => {
      m.output.push(chunk.toString());
      if (m.output.length > OUTPUT_CHUNKS_KEPT) m.output.splice(0, OUTPUT_CHUNKS_KEPT / 2);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    proc.once('error', (err) => keep(`could not start ${this.settings.server.command}: ${err.message}\n`));
    proc.once('exit', (code, signal) => {
      if (m.proc !== proc) return; // killed by kill(): intended
      m.paused = false;
      if (this.expectedExits.delete(proc)) return;
      this.crashes.push({ member: m.name, code, signal, tail: this.logs(i).slice(-4000) });
    });
    m.proc = proc;
    m.paused = false;
  }

  isRunning(i: number): boolean {
    const proc = this.members[i]!.proc;
    return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  }

  pid(i: number): number {
    const pid = this.isRunning(i) ? this.members[i]!.proc!.pid : undefined;
    if (pid === undefined) throw new Error(`${this.members[i]!.name} is not running`);
    return pid;
  }

  /** kill -9, resolving once the process is gone. An intended death: not a crash. */
  async kill(i: number): Promise<void> {
    const m = this.members[i]!;
    const proc = m.proc;
    if (!proc) return;
    m.proc = undefined;
    m.paused = false;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
  }

  /**
   * SIGTERM (sent before this returns), resolving with how the process ended once it has: a
   * graceful stop, intended, so not a crash. One that has not exited in `timeoutMs` is killed.
   */
  async terminate(i: number, timeoutMs = CLUSTER_WAIT_MS): Promise<{ code: number | null; signal: string | null }> {
    const m = this.members[i]!;
    const proc = m.proc;
    if (!proc || !this.isRunning(i)) throw new Error(`${m.name} is not running`);
    m.proc = undefined;
    m.paused = false;
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const how = await exited;
    clearTimeout(timer);
    if (how.signal === 'SIGKILL') throw new Error(`${m.name} did not exit within ${timeoutMs} ms of SIGTERM\n${lastLines(m.output.join(''), 15).join('\n')}`);
    return how;
  }

  /** Member i's coming exit by itself is one the caller provoked (it is being removed): not a crash. */
  expectExit(i: number): void {
    const proc = this.members[i]!.proc;
    if (proc) this.expectedExits.add(proc);
  }

  /** Resolves with the exit code once member i's process exits by itself (it was told to, or refused). */
  async exited(i: number, timeoutMs = CLUSTER_WAIT_MS): Promise<number | null> {
    const m = this.members[i]!;
    const proc = m.proc;
    if (!proc) throw new Error(`${m.name} is not running`);
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${m.name} did not exit within ${timeoutMs} ms\n${this.outputTail(i)}`)), timeoutMs);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** SIGSTOP. */
  pause(i: number): void {
    const m = this.members[i]!;
    if (this.isRunning(i) && !m.paused) {
      m.proc!.kill('SIGSTOP');
      m.paused = true;
    }
  }

  /** SIGCONT. */
  resume(i: number): void {
    const m = this.members[i]!;
    if (this.isRunning(i) && m.paused) {
      m.proc!.kill('SIGCONT');
      m.paused = false;
    }
  }

  /** kill -9 and start again on the same data, resolving once it knows the leader. */
  async restart(i: number, timeoutMs = CLUSTER_WAIT_MS): Promise<void> {
    await this.kill(i);
    this.spawn(i);
    await waitFor(
      `${this.members[i]!.name} to rejoin`,
      async () => (await getJSON(`${this.url(i)}/v2/stats/self`, undefined, this.fetch))?.leaderInfo?.leader,
      timeoutMs,
      this.recentOutput,
    );
  }

  /**
   * The member that says it is leader, if every running, unpaused member (of `among`) names the
   * same leader; else -1.
   */
  async leader(among: number[] = this.members.map((_, i) => i)): Promise<number> {
    const asked = among.filter((i) => this.isRunning(i) && !this.members[i]!.paused);
    const stats = await Promise.all(asked.map((i) => getJSON(`${this.url(i)}/v2/stats/self`, undefined, this.fetch)));
    if (stats.some((s) => !s?.leaderInfo?.leader)) return -1;
    if (new Set(stats.map((s) => s.leaderInfo.leader)).size !== 1) return -1;
    const at = stats.findIndex((s) => s.state === 'StateLeader');
    return at < 0 ? -1 : asked[at]!;
  }

  /** Index of the member that reports itself leader, once all live members (of `among`) agree on one. */
  async waitForLeader(timeoutMs = CLUSTER_WAIT_MS, among?: number[]): Promise<number> {
    let leader = -1;
    await waitFor('a leader', async () => (leader = await this.leader(among)) >= 0, timeoutMs, this.recentOutput);
    return leader;
  }

  logs(i: number): string {
    return this.members[i]!.output.join('');
  }

  /** The last lines member i printed, headed by its name and state. */
  outputTail(i: number, lines = 15): string {
    const m = this.members[i]!;
    const state = this.isRunning(i) ? (m.paused ? 'paused' : 'running')
      : m.proc ? `exited (${m.proc.exitCode ?? m.proc.signalCode})` : 'not running';
    const tail = lastLines(this.logs(i), lines).join('\n');
    return `--- ${m.name} (${state}), last output:\n${tail || '(none)'}`;
  }

  /** Every member's output tail: the `explain` of a wait on this cluster. */
  readonly recentOutput = (): string => this.members.map((_, i) => this.outputTail(i)).join('\n');

  /** Kills every member (paused ones too) and removes the data dirs. */
  async stop(): Promise<void> {
    await Promise.all(this.members.map((_, i) => {
      this.resume(i);
      return this.kill(i);
    }));
    removeDir(this.root);
  }
}

/**
 * The last `n` lines of `text`, where a run of lines alike but for their numbers (a member
 * repeating "started pre-election" with a new timestamp each time) counts as one line.
 */
function lastLines(text: string, n: number): string[] {
  const runs: { line: string; shape: string; count: number }[] = [];
  for (const line of text.trimEnd().split('\n')) {
    const shape = line.replace(/\d+/g, '#');
    const last = runs.at(-1);
    if (last?.shape === shape) {
      last.line = line;
      last.count++;
    } else {
      runs.push({ line, shape, count: 1 });
    }
  }
  return runs.slice(-n).map((r) => (r.count > 1 ? `${r.line}   [this line ${r.count} times]` : r.line));
}
