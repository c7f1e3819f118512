// etcd's discovery flags as etcd 3.4 reads them: --discovery (and ETCD_DISCOVERY) with its
// fallback and proxy, --discovery-srv with its service name; any of them drops the default
// initial cluster, and two ways to bootstrap at once are refused with etcd's message.
import { describe, expect, it } from 'vitest';
import { configOf, failure } from './outcomes.js';

const URL = 'http://127.0.0.1:2379/v2/keys/_etcd/registry/abc';
const CONFLICT = 'error verifying flags, multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv". See \'raftkv --help\'.';

describe('discovery flags', () => {
  it('--discovery: etcd 3.4 falls back to proxy by default; the default initial cluster is dropped', () => {
    const config = configOf(['--name', 'm1', '--discovery', URL]);
    expect(config.discovery).toEqual({ url: URL, proxy: '', fallback: 'proxy' });
    expect(config.initialCluster).toEqual([]);
  });

  it('ETCD_DISCOVERY, ETCD_DISCOVERY_FALLBACK and ETCD_DISCOVERY_PROXY as the flags', () => {
    const config = configOf([], { ETCD_DISCOVERY: URL, ETCD_DISCOVERY_FALLBACK: 'exit', ETCD_DISCOVERY_PROXY: 'proxy.example:3128' });
    expect(config.discovery).toEqual({ url: URL, proxy: 'proxy.example:3128', fallback: 'exit' });
  });

  it('--discovery-srv with --discovery-srv-name', () => {
    expect(configOf(['--discovery-srv', 'example.com', '--discovery-srv-name', 'blue']).discoverySrv).toEqual({ domain: 'example.com', serviceName: 'blue' });
  });

  it.each([
    [['--discovery', URL, '--initial-cluster', 'default=http://localhost:2380']],
    [['--discovery', URL, '--discovery-srv', 'example.com']],
    [['--discovery-srv', 'example.com', '--initial-cluster', 'default=http://localhost:2380']],
  ])('%j: one way to bootstrap at a time', (argv) => {
    expect(failure(argv).message).toBe(CONFLICT);
  });

  it('an explicitly empty --initial-cluster leaves discovery alone', () => {
    expect(configOf(['--discovery', URL, '--initial-cluster', '']).discovery?.url).toBe(URL);
  });

  it('refuses a --discovery-proxy it cannot use', () => {
    expect(failure(['--discovery', URL, '--discovery-proxy', 'https://proxy.example:3128']).message).toBe('--discovery-proxy=https://proxy.example:3128: only http:// proxies are supported');
  });
});
