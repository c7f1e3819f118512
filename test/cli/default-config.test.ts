// The configuration of a member started with no flags: etcd 3.4's defaults, except that data
// lives in default.raftkv rather than default.etcd.
import { describe, expect, it } from 'vitest';
import { defaultConfig, defaultDataDir } from '../../src/server/config.js';
import { configOf } from './outcomes.js';

describe('defaults', () => {
  it("are etcd 3.4's", () => {
    expect(defaultConfig()).toEqual({
      name: 'default',
      dataDir: 'default.raftkv',
      listenClientUrls: ['http://localhost:2379'],
      advertiseClientUrls: ['http://localhost:2379'],
      listenPeerUrls: ['http://localhost:2380'],
      initialAdvertisePeerUrls: ['http://localhost:2380'],
      initialCluster: [{ name: 'default', peerUrls: ['http://localhost:2380'] }],
      initialClusterState: 'new',
      initialClusterToken: 'etcd-cluster',
      heartbeatIntervalMs: 100,
      electionTimeoutMs: 1000,
      snapshotCount: 100_000,
      maxSnapshots: 5,
      cors: ['*'],
      logLevel: 'info',
      logOutputs: ['stderr'],
      preVote: true,
      strictReconfigCheck: true,
      forceNewCluster: false,
      // etcd's newConfig: proxy off, 5 s failure wait, 30 s refresh, 1 s dial, 5 s write, no read timeout.
      proxy: { mode: 'off', failureWaitMs: 5000, refreshIntervalMs: 30_000, dialTimeoutMs: 1000, writeTimeoutMs: 5000, readTimeoutMs: 0 },
    });
  });

  it('are what an empty command line and environment give', () => {
    expect(configOf([])).toEqual(defaultConfig());
  });

  it('name the data directory after the member, like etcd but ending in .raftkv', () => {
    expect(defaultDataDir('infra1')).toBe('infra1.raftkv');
    expect(configOf(['--name', 'infra1', '--initial-cluster', 'infra1=http://localhost:2380']).dataDir).toBe('infra1.raftkv');
  });

  it('keep an explicit data directory, and fall back to the default for an empty one', () => {
    expect(configOf(['--data-dir', '/var/lib/raftkv']).dataDir).toBe('/var/lib/raftkv');
    expect(configOf(['--data-dir=']).dataDir).toBe('default.raftkv');
  });

  it('drop the default advertised client URL once listening URLs are chosen, so both must be given', () => {
    const config = configOf(['--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://10.0.0.1:2379']);
    expect(config.listenClientUrls).toEqual(['http://127.0.0.1:2379']);
    expect(config.advertiseClientUrls).toEqual(['http://10.0.0.1:2379']);
  });
});
