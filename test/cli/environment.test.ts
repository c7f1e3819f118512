// ETCD_* environment variables, read as etcd 3.4.23 reads them (its messages were recorded from
// the real binary given the same environment).
import { describe, expect, it } from 'vitest';
import { envName } from '../../bin/etcd-env.js';
import { configOf, failure, started } from './outcomes.js';

describe('ETCD_* variables', () => {
  it('names a variable ETCD_ plus the flag in capitals with underscores', () => {
    expect(envName('initial-cluster-token')).toBe('ETCD_INITIAL_CLUSTER_TOKEN');
    expect(envName('name')).toBe('ETCD_NAME');
  });

  it('configures the member like the matching flags would', () => {
    const env = {
      ETCD_NAME: 'infra2',
      ETCD_DATA_DIR: '/var/lib/raftkv',
      ETCD_LISTEN_CLIENT_URLS: 'http://127.0.0.1:22379',
      ETCD_ADVERTISE_CLIENT_URLS: 'http://127.0.0.1:22379',
      ETCD_LISTEN_PEER_URLS: 'http://127.0.0.1:22380',
      ETCD_INITIAL_ADVERTISE_PEER_URLS: 'http://127.0.0.1:22380',
      ETCD_INITIAL_CLUSTER: 'infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380',
      ETCD_INITIAL_CLUSTER_STATE: 'existing',
      ETCD_INITIAL_CLUSTER_TOKEN: 'etcd-cluster-1',
      ETCD_HEARTBEAT_INTERVAL: '50',
      ETCD_ELECTION_TIMEOUT: '500',
      ETCD_SNAPSHOT_COUNT: '1000',
      ETCD_PRE_VOTE: 'true',
    };
    expect(configOf([], env)).toMatchObject({
      name: 'infra2',
      dataDir: '/var/lib/raftkv',
      listenClientUrls: ['http://127.0.0.1:22379'],
      advertiseClientUrls: ['http://127.0.0.1:22379'],
      listenPeerUrls: ['http://127.0.0.1:22380'],
      initialAdvertisePeerUrls: ['http://127.0.0.1:22380'],
      initialCluster: [
        { name: 'infra1', peerUrls: ['http://127.0.0.1:12380'] },
        { name: 'infra2', peerUrls: ['http://127.0.0.1:22380'] },
      ],
      initialClusterState: 'existing',
      initialClusterToken: 'etcd-cluster-1',
      heartbeatIntervalMs: 50,
      electionTimeoutMs: 500,
      snapshotCount: 1000,
      preVote: true,
    });
  });

  it('says which variables it used, as etcd logs "recognized and used"', () => {
    const { notices } = started([], { ETCD_SNAPSHOT_COUNT: '7' });
    expect(notices).toContain('recognized and used environment variable ETCD_SNAPSHOT_COUNT=7');
  });

  it('refuses a variable for a flag also given on the command line, as etcd 3.4 does, even with the same value', () => {
    const error = failure(['--name', 'same', '--initial-cluster', 'same=http://localhost:2380'], { ETCD_NAME: 'same' });
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      'conflicting environment variable "ETCD_NAME" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)',
    );
  });

  it('counts an empty variable as a conflict too', () => {
    expect(failure(['--initial-cluster-token', 'x'], { ETCD_INITIAL_CLUSTER_TOKEN: '' }).message).toMatch(/^conflicting environment variable/);
  });

  it('ignores an empty variable for a flag not on the command line, and warns of it as unrecognized', () => {
    const { config, notices } = started([], { ETCD_NAME: '' });
    expect(config.name).toBe('default');
    expect(notices).toContain('unrecognized environment variable ETCD_NAME=');
  });

  it('warns of an ETCD_ variable that names no flag, and of nothing else', () => {
    const { notices } = started([], { ETCD_BOGUS: '1', ETCDCTL_API: '2', HOME: '/root' });
    expect(notices).toEqual(['unrecognized environment variable ETCD_BOGUS=1']);
  });

  it('rejects a variable whose value the flag cannot take, with exit code 1', () => {
    const error = failure([], { ETCD_HEARTBEAT_INTERVAL: 'abc' });
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(`error verifying flags, invalid value "abc" for ETCD_HEARTBEAT_INTERVAL: parse error. See 'raftkv --help'.`);
  });

  it('reads bools from variables with Go syntax', () => {
    expect(configOf([], { ETCD_STRICT_RECONFIG_CHECK: 'False' }).strictReconfigCheck).toBe(false);
    expect(failure([], { ETCD_ENABLE_V2: 'yes' }).message).toContain('invalid value "yes" for ETCD_ENABLE_V2: parse error');
  });

  it('counts a flag set by a variable as given, so listen-client-urls alone still needs advertise-client-urls', () => {
    expect(failure([], { ETCD_LISTEN_CLIENT_URLS: 'http://127.0.0.1:41379' }).message).toContain(
      '--advertise-client-urls is required when --listen-client-urls is set explicitly',
    );
  });

  it('reads TLS settings from variables like the flags', () => {
    const env = {
      ETCD_LISTEN_CLIENT_URLS: 'https://127.0.0.1:41379',
      ETCD_ADVERTISE_CLIENT_URLS: 'https://127.0.0.1:41379',
      ETCD_CERT_FILE: '/etc/raftkv/server.crt',
      ETCD_KEY_FILE: '/etc/raftkv/server.key',
      ETCD_TRUSTED_CA_FILE: '/etc/raftkv/ca.crt',
    };
    expect(configOf([], env).clientTls).toEqual({
      cert: { kind: 'files', certFile: '/etc/raftkv/server.crt', keyFile: '/etc/raftkv/server.key' },
      trustedCaFile: '/etc/raftkv/ca.crt',
      clientCertAuth: true,
    });
    expect(failure([], { ...env, ETCD_CIPHER_SUITES: 'BOGUS' }).message).toBe('unexpected TLS cipher suite "BOGUS"');
  });
});
