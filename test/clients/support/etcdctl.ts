// The real etcdctl (3.4, v2 mode) pointed at a test cluster's client URLs.
import { run, start } from './processes.js';
import type { Finished, Running } from './processes.js';

export const ETCDCTL_BIN = '/usr/bin/etcdctl';

/**
 * etcdctl gives up on a request after 2 s and sends it again to the next endpoint; on a busy CI
 * machine a write can take that long, and the retried write (a set with a TTL, say) then lands
 * twice. Tests check outputs and exit codes, not etcdctl's patience, so they give it more.
 */
const PATIENCE = ['--timeout', '10s', '--total-timeout', '30s'];

export class Etcdctl {
  /** `globalArgs` come before each command: TLS files (--ca-file, --cert-file, --key-file), say. */
  constructor(
    private readonly endpoints: string[],
    private readonly globalArgs: string[] = [],
  ) {}

  /** etcdctl in v2 mode, with no ETCDCTL_* settings leaking in from the caller's environment. */
  get env(): NodeJS.ProcessEnv {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCDCTL_')));
    return { ...env, ETCDCTL_API: '2' };
  }

  /** The command line a shell script would use: `etcdctl --endpoints …`. */
  get command(): string {
    return [ETCDCTL_BIN, '--endpoints', this.endpoints.join(','), ...PATIENCE, ...this.globalArgs].join(' ');
  }

  run(...args: string[]): Promise<Finished> {
    return run(ETCDCTL_BIN, [...this.base(), ...args], this.env);
  }

  start(...args: string[]): Running {
    return start(ETCDCTL_BIN, [...this.base(), ...args], this.env);
  }

  private base(): string[] {
    return ['--endpoints', this.endpoints.join(','), ...PATIENCE, ...this.globalArgs];
  }

  /** A shell script, as a unit file's ExecStart would run it; `$ETCDCTL` is this etcdctl. */
  sh(script: string): Promise<Finished> {
    return run('sh', ['-c', script], { ...this.env, ETCDCTL: this.command });
  }
}
