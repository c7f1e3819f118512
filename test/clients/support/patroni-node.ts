// One Patroni node as it is deployed: the Debian `patroni` daemon, run as the postgres user,
// managing its own PostgreSQL 15 on its own ports, with its REST API and its log kept for failures.
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trackChild, trackCleanup } from '../../../bench/harness/child-registry.js';
import { waitFor } from '../../../bench/harness/wait.js';
import { patroniConfig, PG_BIN } from './patroni-config.js';
import type { PatroniNodeSpec } from './patroni-config.js';
import { isGone, killTree } from './process-tree.js';

const run = promisify(execFile);

/** PostgreSQL refuses to run as root: run as root (CI), Patroni and its postgres run as the postgres user. */
const RUN_AS = process.getuid?.() === 0
  ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
  : undefined;

/** kill -9 takes effect at once; only the reaping of an orphaned postmaster may lag. */
const DEATH_WAIT_MS = 10_000;

/** What PostgreSQL itself says it is (pg_is_in_recovery), or 'down' when it does not answer. */
export type PgRole = 'primary' | 'replica' | 'down';

const OUTPUT_KEPT = 200_000;

export class PatroniNode {
  readonly configFile: string;
  private proc: ChildProcess | undefined;
  private output = '';
  private readonly forgetCleanup: () => void;

  constructor(readonly spec: PatroniNodeSpec) {
    mkdirSync(spec.dir, { recursive: true, mode: 0o700 });
    if (RUN_AS) chownSync(spec.dir, RUN_AS.uid, RUN_AS.gid);
    this.configFile = join(spec.dir, 'patroni.yml');
    writeFileSync(this.configFile, patroniConfig(spec));
    // Patroni starts postgres in a session of its own: killing Patroni leaves it running.
    this.forgetCleanup = trackCleanup(() => this.killPostgres());
  }

  get name(): string {
    return this.spec.name;
  }

  start(): void {
    const proc = spawn('/usr/bin/patroni', [this.configFile], {
      ...RUN_AS,
      cwd: this.spec.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.spec.dir, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(proc);
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    proc.once('exit', (code, signal) => keep(Buffer.from(`[patroni exited: ${code ?? signal}]\n`)));
    this.proc = proc;
  }

  isRunning(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The postmaster's pid from its pid file, if one is there. */
  private postmasterPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.spec.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private killPostgres(): number | undefined {
    const pid = this.postmasterPid();
    if (pid !== undefined && !isGone(pid)) killTree(pid);
    return pid;
  }

  /** kill -9 Patroni, then its postgres (postmaster and children): a machine lost at once. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    }
    const pid = this.killPostgres();
    if (pid !== undefined) await waitFor(`${this.name}'s postmaster ${pid} to die`, () => isGone(pid), DEATH_WAIT_MS);
  }

  /** kill, and forget the exit-time cleanup: for the end of the test. */
  async stop(): Promise<void> {
    await this.kill();
    this.forgetCleanup();
  }

  /** Patroni's REST API: 200 from GET /primary only on the leader, from GET /replica on a running replica. */
  async restSays(endpoint: 'primary' | 'replica'): Promise<boolean> {
    const res = await fetch(`http://127.0.0.1:${this.spec.restPort}/${endpoint}`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.status === 200;
  }

  /** One SQL statement as the superuser over loopback; throws when postgres does not answer. */
  async sql(query: string): Promise<string> {
    const { stdout } = await run(`${PG_BIN}/psql`, ['-h', '127.0.0.1', '-p', String(this.spec.pgPort), '-U', 'postgres', '-d', 'postgres', '-XAtc', query], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '2' },
      timeout: 4000,
    });
    return stdout.trim();
  }

  async pgRole(): Promise<PgRole> {
    try {
      const inRecovery = await this.sql('select pg_is_in_recovery()');
      return inRecovery === 'f' ? 'primary' : inRecovery === 't' ? 'replica' : 'down';
    } catch {
      return 'down';
    }
  }

  /** The etcd server Patroni says it uses now (its "Selected new etcd server" log line). */
  etcdServer(): string | undefined {
    return [...this.output.matchAll(/Selected new etcd server (\S+)/g)].at(-1)?.[1];
  }

  /** The last lines Patroni printed, headed by its name. */
  tail(lines = 25): string {
    return `--- patroni ${this.name} (${this.isRunning() ? 'running' : 'not running'}):\n${this.output.trimEnd().split('\n').slice(-lines).join('\n')}`;
  }

  get log(): string {
    return this.output;
  }
}
