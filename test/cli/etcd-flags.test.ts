// raftkv accepts every flag etcd 3.4.23 accepts: it uses the ones that matter to a v2 member,
// ignores the etcd v3 ones, and refuses what it cannot do (--wal-dir, --max-wals, …)
// in plain words. The TLS flags have their own tests (tls-flags.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAGS } from '../../bin/flag-table.js';
import { RAFTKV_BIN } from '../../bench/harness/process-cluster.js';
import { configOf, failure, started } from './outcomes.js';

/** Every flag `etcd --help` (3.4.23) lists, recorded from the real binary. */
const ETCD_HELP_FLAGS = `advertise-client-urls auth-token auth-token-ttl auto-compaction-mode auto-compaction-retention auto-tls
backend-batch-interval backend-batch-limit bcrypt-cost cert-file cipher-suites client-cert-allowed-hostname client-cert-auth
client-crl-file cors data-dir debug discovery discovery-fallback discovery-proxy discovery-srv discovery-srv-name
election-timeout enable-pprof enable-v2 experimental-backend-bbolt-freelist-type experimental-compaction-batch-limit
experimental-corrupt-check-time experimental-enable-lease-checkpoint experimental-enable-v2v3 experimental-initial-corrupt-check
experimental-peer-skip-client-san-verification experimental-warning-apply-duration experimental-watch-progress-notify-interval
force-new-cluster grpc-keepalive-interval grpc-keepalive-min-time grpc-keepalive-timeout heartbeat-interval host-whitelist
initial-advertise-peer-urls initial-cluster initial-cluster-state initial-cluster-token initial-election-tick-advance key-file
listen-client-urls listen-metrics-urls listen-peer-urls log-level log-outputs log-package-levels logger max-concurrent-streams
max-request-bytes max-snapshots max-txn-ops max-wals metrics name peer-auto-tls peer-cert-allowed-cn peer-cert-allowed-hostname
peer-cert-file peer-client-cert-auth peer-crl-file peer-key-file peer-trusted-ca-file pre-vote proxy proxy-dial-timeout
proxy-failure-wait proxy-read-timeout proxy-refresh-interval proxy-write-timeout quota-backend-bytes snapshot-count
strict-reconfig-check trusted-ca-file wal-dir`.split(/\s+/);

/** Flags etcd 3.4.23 accepts without listing them. */
const ETCD_HIDDEN_FLAGS = ['config-file', 'version', 'log-output', 'enable-grpc-gateway', 'unsafe-no-fsync', 'v', 'vv', 'snapshot', 'force'];

function defaultText(name: string): string {
  const value = FLAGS.find((f) => f.name === name)!.default;
  return Array.isArray(value) ? value.join(',') : String(value);
}

describe('the flags etcd knows', () => {
  it('declares every flag etcd 3.4.23 lists in its help, and the hidden ones it accepts', () => {
    const declared = new Set(FLAGS.map((f) => f.name));
    expect([...ETCD_HELP_FLAGS, ...ETCD_HIDDEN_FLAGS].filter((name) => !declared.has(name))).toEqual([]);
  });

  // Given explicitly, --listen-client-urls needs an explicit --advertise-client-urls (as in etcd).
  it.each(ETCD_HELP_FLAGS)('accepts --%s at its default value', (name) => {
    expect(started([`--${name}=${defaultText(name)}`, '--advertise-client-urls=http://localhost:2379']).config).toEqual(configOf([]));
  });

  it('declares each flag once', () => {
    expect(new Set(FLAGS.map((f) => f.name)).size).toBe(FLAGS.length);
  });
});

describe('--force-new-cluster', () => {
  it('is read from the flag and from ETCD_FORCE_NEW_CLUSTER, off by default', () => {
    expect(started([]).config.forceNewCluster).toBe(false);
    expect(started(['--force-new-cluster']).config.forceNewCluster).toBe(true);
    expect(started([], { ETCD_FORCE_NEW_CLUSTER: 'true' }).config.forceNewCluster).toBe(true);
  });
});

describe('flags that only matter to etcd v3', () => {
  it.each([
    ['--enable-v2', '--enable-v2=true is ignored: the v2 API is always on'],
    ['--quota-backend-bytes=8589934592', '--quota-backend-bytes=8589934592 is ignored: it only matters to the etcd v3 API'],
    ['--auto-compaction-retention=1h', '--auto-compaction-retention=1h is ignored: it only matters to the etcd v3 API'],
    ['--grpc-keepalive-timeout=30s', '--grpc-keepalive-timeout=30s is ignored: it only matters to the etcd v3 API'],
    ['--max-request-bytes=1000', '--max-request-bytes=1000 is ignored: it only matters to the etcd v3 API'], // v2 forms: Go's 10 MiB
    ['--experimental-initial-corrupt-check', '--experimental-initial-corrupt-check=true is ignored: it only matters to the etcd v3 API'],
    ['--metrics=extensive', '--metrics=extensive is ignored: it only matters to the etcd v3 API'],
  ])('accepts %s and says it is ignored', (flag, notice) => {
    const { config, notices } = started([flag]);
    expect(notices).toEqual([notice]);
    expect(config).toEqual(configOf([]));
  });

  it('still checks the syntax of an ignored flag, as etcd does', () => {
    expect(failure(['--grpc-keepalive-timeout=soon']).exitCode).toBe(2);
    expect(failure(['--max-concurrent-streams', '-1']).message.split('\n')[0]).toBe(
      'invalid value "-1" for flag -max-concurrent-streams: strconv.ParseUint: parsing "-1": invalid syntax',
    );
  });

  it('accepts etcd 0.4 flags with etcd\'s warning, like bools', () => {
    const { notices } = started(['-v', '--peer-heartbeat-interval=50']);
    expect(notices).toEqual([
      'flag "-v" is no longer supported - ignoring.',
      'flag "-peer-heartbeat-interval" is no longer supported - ignoring.',
    ]);
  });
});

/**
 * --max-wals counts etcd's 64 MB WAL segment files; raftkv has none (its log is LevelDB records,
 * deleted once a snapshot covers them), so any value but etcd's default is refused.
 */
const NO_WAL_FILES = 'raftkv has no WAL files to keep or purge: its log is LevelDB records, deleted once a snapshot covers them';

describe('what raftkv cannot do yet', () => {
  it.each([
    [['--wal-dir=/wal'], '--wal-dir=/wal: raftkv keeps its log inside --data-dir'],
    [['--enable-pprof'], "--enable-pprof=true: /debug/pprof serves Go runtime profiles, which a Node.js process does not have; profile raftkv with node's --cpu-prof or --heapsnapshot-signal"],
    [['--max-wals=0'], `--max-wals=0: ${NO_WAL_FILES}`],
    [['--max-wals', '10'], `--max-wals=10: ${NO_WAL_FILES}`],
    [['--host-whitelist=example.com'], '--host-whitelist=example.com: a Host header whitelist is not supported yet'],
  ])('%j fails clearly', (argv, message) => {
    const error = failure(argv);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(message);
  });

  it('accepts those flags when they ask for nothing (empty, false, proxy off, etcd\'s 5 WAL files)', () => {
    expect(started(['--cert-file=', '--client-cert-auth=false', '--proxy=off', '--discovery=', '--wal-dir=', '--max-wals=5', '--host-whitelist=*']).config).toEqual(configOf([]));
  });

  it('reads --proxy and its timings, and lets a proxy name no advertised URL and no member of --initial-cluster', () => {
    const argv = ['--proxy=readonly', '--listen-client-urls=http://127.0.0.1:2379', '--initial-cluster=m1=http://10.0.0.1:2380', '--proxy-failure-wait=100', '--proxy-refresh-interval=200', '--proxy-dial-timeout=300', '--proxy-write-timeout=0', '--proxy-read-timeout=500'];
    expect(started(argv).config.proxy).toEqual({ mode: 'readonly', failureWaitMs: 100, refreshIntervalMs: 200, dialTimeoutMs: 300, writeTimeoutMs: 0, readTimeoutMs: 500 });
    expect(started([], { ETCD_PROXY: 'on' }).config.proxy.mode).toBe('on');
    expect(failure(['--proxy=maybe']).exitCode).toBe(2);
  });

  it('refuses ETCD_MAX_WALS like --max-wals', () => {
    expect(failure([], { ETCD_MAX_WALS: '0' }).message).toBe(`--max-wals=0: ${NO_WAL_FILES}`);
  });

  it('the raftkv binary given --max-wals=0 exits 1 with the reason on stderr, before creating its data dir', () => {
    const root = mkdtempSync(join(tmpdir(), 'raftkv-max-wals-'));
    try {
      const dataDir = join(root, 'data');
      const run = spawnSync(process.execPath, [RAFTKV_BIN, '--max-wals=0', '--data-dir', dataDir], { encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`--max-wals=0: ${NO_WAL_FILES}`);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each([
    ['--listen-client-urls', 'unix://127.0.0.1:2379', 'unix sockets are not supported'],
    ['--listen-client-urls', 'unixs://127.0.0.1:2379', 'unix sockets are not supported'],
  ])('refuses %s %s', (flag, url, why) => {
    expect(failure([flag, url, '--advertise-client-urls', url]).message).toBe(`${flag}=${url}: ${why}`);
  });
});
