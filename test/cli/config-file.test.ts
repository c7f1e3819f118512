// --config-file and ETCD_CONFIG_FILE against what etcd 3.4.23 does with the same files (checked
// with the real binary): the file replaces every flag and ETCD_* variable, values are typed as
// etcd's Go fields and refused in its words; where etcd silently drops a key, raftkv refuses it.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bin/flags.js';
import type { ParseOutcome } from '../../bin/flags.js';

const BASE = `
name: fromfile
data-dir: /var/lib/raftkv
listen-client-urls: http://127.0.0.1:41379
advertise-client-urls: http://127.0.0.1:41379
listen-peer-urls: http://127.0.0.1:41380
initial-advertise-peer-urls: http://127.0.0.1:41380
initial-cluster: fromfile=http://127.0.0.1:41380
`;

function withFile(text: string, argv: string[] = ['--config-file', 'etcd.yml'], env: Record<string, string> = {}): ParseOutcome {
  return parseArgs(argv, env, (path) => {
    if (path !== 'etcd.yml') throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  });
}

function startedWith(text: string, argv?: string[], env?: Record<string, string>): Extract<ParseOutcome, { kind: 'start' }> {
  const outcome = withFile(text, argv, env);
  if (outcome.kind !== 'start') throw new Error(`expected a start, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function refusal(text: string): string {
  const outcome = withFile(text);
  if (outcome.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  expect(outcome.exitCode).toBe(1);
  return outcome.message;
}

const verifying = (reason: string): string => `error verifying flags, ${reason}. See 'raftkv --help'.`;

describe('--config-file', () => {
  it('reads etcd.conf.yml keys, TLS sections included', () => {
    const { config } = startedWith(`${BASE}
heartbeat-interval: 50
election-timeout: 500
snapshot-count: 2000
strict-reconfig-check: yes
force-new-cluster: true
log-level: warn
client-transport-security:
  auto-tls: true
peer-transport-security:
  cert-file: /etc/raftkv/peer.crt
  key-file: /etc/raftkv/peer.key
  client-cert-auth: true
  trusted-ca-file: /etc/raftkv/ca.crt
`);
    expect(config).toMatchObject({
      name: 'fromfile', dataDir: '/var/lib/raftkv', heartbeatIntervalMs: 50, electionTimeoutMs: 500, snapshotCount: 2000,
      strictReconfigCheck: true, forceNewCluster: true, logLevel: 'warn', listenClientUrls: ['http://127.0.0.1:41379'],
      initialCluster: [{ name: 'fromfile', peerUrls: ['http://127.0.0.1:41380'] }],
    });
    expect(config.peerTls).toMatchObject({ cert: { kind: 'files', certFile: '/etc/raftkv/peer.crt', keyFile: '/etc/raftkv/peer.key' }, trustedCaFile: '/etc/raftkv/ca.crt', clientCertAuth: true });
  });

  it('ignores other flags and ETCD_* variables, as etcd 3.4 does, and names each one', () => {
    const { config, notices } = startedWith(BASE, ['--config-file', 'etcd.yml', '--name', 'fromflag'], { ETCD_NAME: 'fromenv' });
    expect(config.name).toBe('fromfile');
    expect(notices).toEqual([
      'loading server configuration from "etcd.yml"; other command line flags and ETCD_* variables are ignored, as in etcd 3.4',
      '--name=fromflag is ignored: --config-file is given',
      'environment variable ETCD_NAME is ignored: --config-file is given',
    ]);
  });

  it('is found through ETCD_CONFIG_FILE; --config-file wins over it without a conflict', () => {
    expect(startedWith(BASE, [], { ETCD_CONFIG_FILE: 'etcd.yml' }).config.name).toBe('fromfile');
    expect(startedWith(BASE, ['--config-file=etcd.yml'], { ETCD_CONFIG_FILE: 'other.yml' }).config.name).toBe('fromfile');
  });

  it('keeps the default advertised client URL when the file sets only listen-client-urls (etcd drops it only for flags)', () => {
    const text = BASE.replace(/^advertise-client-urls:.*$/m, '');
    expect(startedWith(text).config.advertiseClientUrls).toEqual(['http://localhost:2379']);
  });

  it.each([
    ['snapshot-count: "abc"', 'json: cannot unmarshal string into Go struct field configYAML.snapshot-count of type uint'],
    ['snapshot-count: -1', 'json: cannot unmarshal number -1 into Go struct field configYAML.snapshot-count of type uint'],
    ['heartbeat-interval: 1.5', 'json: cannot unmarshal number 1.5 into Go struct field configYAML.heartbeat-interval of type uint'],
    ['enable-v2: "true"', 'json: cannot unmarshal string into Go struct field configYAML.enable-v2 of type bool'],
    ['log-outputs: stderr', 'json: cannot unmarshal string into Go struct field configYAML.log-outputs of type []string'],
  ])('refuses %s with the words of etcd\'s decoder', (line, words) => {
    expect(refusal(`${BASE}${line}\n`)).toBe(verifying(`error unmarshaling JSON: while decoding JSON: ${words}`));
  });

  it('refuses a number where etcd wants a string, as etcd does', () => {
    expect(refusal(BASE.replace('name: fromfile', 'name: 123'))).toBe(
      verifying('error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field configYAML.name of type string'),
    );
  });

  it('checks a value as its flag is checked', () => {
    expect(refusal(`${BASE}initial-cluster-state: maybe\n`)).toBe(verifying('invalid value "maybe" for initial-cluster-state in etcd.yml: invalid value'));
    expect(refusal(`${BASE}election-timeout: 100\n`)).toBe(
      verifying('--election-timeout[100ms] should be at least as 5 times as --heartbeat-interval[100ms]'),
    );
  });

  it('refuses a key for a feature raftkv refuses, as the flag is refused', () => {
    expect(refusal(`${BASE}wal-dir: /wal\n`)).toBe('--wal-dir=/wal: raftkv keeps its log inside --data-dir');
  });

  it('reads log-outputs as a YAML list, through the same rules as the flag', () => {
    expect(startedWith(`${BASE}logger: zap\nlog-outputs: [stdout, /var/log/raftkv.log]\n`).config.logOutputs).toEqual(['/var/log/raftkv.log', 'stdout']);
    expect(refusal(`${BASE}log-outputs: [stdout, stderr]\n`)).toBe(
      verifying(`--logger=capnslog supports only 1 value in '--log-outputs', got ["stderr" "stdout"]`),
    );
  });

  it('says a key for an ignored flag is ignored, as for the flag', () => {
    expect(startedWith(`${BASE}enable-v2: true\n`).notices).toContain('--enable-v2=true is ignored: the v2 API is always on');
  });

  it('refuses keys etcd 3.4 would silently ignore: unknown ones, and flags it reads no key for', () => {
    const silently = '(etcd 3.4 would ignore it silently; raftkv refuses it so that a misspelt setting is not lost)';
    expect(refusal(`${BASE}snapshot-cuont: 5\n`)).toBe(verifying(`etcd.yml: unknown key "snapshot-cuont" ${silently}`));
    expect(refusal(`${BASE}client-transport-security:\n  crl-file: /x.pem\n`)).toBe(
      verifying(`etcd.yml: unknown key "client-transport-security.crl-file" ${silently}`),
    );
    expect(refusal(`${BASE}client-crl-file: /x.pem\n`)).toBe(
      verifying('etcd.yml: etcd 3.4 reads no "client-crl-file" key from a configuration file (it would ignore it); raftkv refuses it'),
    );
  });

  it('fails as etcd does on a missing file or broken YAML', () => {
    const missing = parseArgs(['--config-file', 'nope.yml'], {}, () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    });
    expect(missing).toMatchObject({ kind: 'error', exitCode: 1, message: verifying('open nope.yml: no such file or directory') });
    expect(refusal('name: [a\n')).toMatch(/^error verifying flags, error converting YAML to JSON: /);
  });

  it('an empty file is etcd\'s defaults', () => {
    expect(startedWith('').config.name).toBe('default');
  });
});
