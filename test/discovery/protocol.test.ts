// etcd's discovery protocol against an in-memory service: registration, waiting for the rest,
// the first `size` by createdIndex, etcd's errors, and its backoff when the service is unreachable.
import { describe, expect, it } from 'vitest';
import { Discovery } from '../../src/discovery/protocol.js';
import type { DiscoveryLog } from '../../src/discovery/protocol.js';
import { DIR, FakeRegistry, URL } from './fake-registry.js';

const quiet: DiscoveryLog = { info: () => {}, warn: () => {} };

function discovery(registry: FakeRegistry, id = 'a1', slept: number[] = []): Discovery {
  return new Discovery({ url: URL, http: registry.http, sleep: async (ms) => void slept.push(ms), log: quiet }, id);
}

describe('the discovery protocol', () => {
  it('registers create-only, then waits for the others; the first `size` registrations are the cluster', async () => {
    const registry = new FakeRegistry('3');
    registry.put(`${DIR}/b2`, 'm2=http://10.0.0.2:2380');
    const joining = discovery(registry).joinCluster('m1=http://10.0.0.1:2380');
    await new Promise((r) => setTimeout(r, 10));
    registry.put(`${DIR}/c3`, 'm3=http://10.0.0.3:2380');
    registry.put(`${DIR}/d4`, 'm4=http://10.0.0.4:2380');
    expect(await joining).toEqual({ cluster: 'm2=http://10.0.0.2:2380,m1=http://10.0.0.1:2380,m3=http://10.0.0.3:2380', size: 3 });
    expect(registry.requests).toContain(`PUT ${DIR}/a1?prevExist=false`);
    expect(registry.requests).toContain(`GET ${DIR}/_config/size?quorum=false&recursive=false&sorted=false`);
  });

  it('a member arriving after `size` others is told the cluster is full, before registering', async () => {
    const registry = new FakeRegistry('1');
    registry.put(`${DIR}/b2`, 'm2=http://10.0.0.2:2380');
    await expect(discovery(registry).joinCluster('m1=http://10.0.0.1:2380')).rejects.toThrow('discovery: cluster is full');
    expect(registry.nodes.has(`${DIR}/a1`)).toBe(false);
    // A proxy reads the full cluster as it stands.
    expect(await discovery(registry, '0').getCluster()).toEqual({ cluster: 'm2=http://10.0.0.2:2380', size: 1 });
  });

  it.each([
    ['a size that is not a number', new FakeRegistry('three'), 'discovery: size key is bad'],
    ['a negative size', new FakeRegistry('-1'), 'discovery: size key is bad'],
    // etcd's own check for a missing size key never matches: the server's error is what it reports.
    ['a token that does not exist', new FakeRegistry(undefined), '100: Key not found (/_etcd) [1]'],
  ])('%s ends discovery with etcd\'s error', async (_, registry, message) => {
    await expect(discovery(registry).joinCluster('m1=http://10.0.0.1:2380')).rejects.toThrow(message);
  });

  it('an id registered before (a member that lost its data) is a duplicate id', async () => {
    const registry = new FakeRegistry('3');
    registry.put(`${DIR}/a1`, 'm1=http://10.0.0.1:2380');
    await expect(discovery(registry).joinCluster('m1=http://10.0.0.1:2380')).rejects.toThrow('discovery: found duplicate id');
  });

  it('two registrations under one name are a duplicate name', async () => {
    const registry = new FakeRegistry('2');
    registry.put(`${DIR}/b2`, 'm1=http://10.0.0.2:2380');
    await expect(discovery(registry).joinCluster('m1=http://10.0.0.1:2380')).rejects.toThrow('discovery: found duplicate name');
  });

  it('an endpoint answering something other than etcd JSON is a bad discovery endpoint', async () => {
    const notEtcd = new Discovery({ url: URL, http: async () => ({ status: 200, body: '<html>', etcdIndex: undefined }), sleep: async () => {}, log: quiet }, 'a1');
    await expect(notEtcd.joinCluster('m1=http://10.0.0.1:2380')).rejects.toThrow('discovery: bad discovery endpoint');
  });

  it("retries an unreachable service with etcd's backoff: 2 s doubling, held at 256 s", async () => {
    const registry = new FakeRegistry('1');
    registry.unreachable = 11;
    const slept: number[] = [];
    expect((await discovery(registry, 'a1', slept).joinCluster('m1=http://10.0.0.1:2380')).cluster).toBe('m1=http://10.0.0.1:2380');
    expect(slept).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 256, 256, 256].map((s) => s * 1000));
  });

  it('a 5xx answer is retried like an unreachable service', async () => {
    const registry = new FakeRegistry('1');
    let failures = 2;
    const slept: number[] = [];
    const flaky = new Discovery({ url: URL, http: (req) => (failures-- > 0 ? Promise.resolve({ status: 503, body: '', etcdIndex: undefined }) : registry.http(req)), sleep: async (ms) => void slept.push(ms), log: quiet }, 'a1');
    await flaky.joinCluster('m1=http://10.0.0.1:2380');
    expect(slept).toEqual([2000, 4000]);
  });
});
