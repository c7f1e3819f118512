// --discovery-srv against a DNS server on loopback (SRV and A records), through node's resolver:
// the members, names and ids etcd 3.4.23 derives from the same records (checked with real etcd
// resolving through the same server), and etcd's refusals.
import { afterEach, describe, expect, it } from 'vitest';
import { discoverBootstrap } from '../../bin/discover-cluster.js';
import { nodeSrvResolver } from '../../src/discovery/node-resolver.js';
import { defaultConfig } from '../../src/server/config.js';
import type { MemberConfig } from '../../src/server/config.js';
import { bootstrapIdentity } from '../../src/server/identity.js';
import { formatId } from '../../src/server/ids.js';
import { DnsServer } from '../support/dns-server.js';
import type { DnsRecords } from '../support/dns-server.js';

let dns: DnsServer | undefined;
afterEach(async () => {
  await dns?.close();
  dns = undefined;
});

const A = { 'm1.example.test': ['127.0.0.1'], 'm2.example.test': ['127.0.0.1'] };
const TWO = [{ target: 'm1.example.test.', port: 41411 }, { target: 'm2.example.test.', port: 41412 }];

async function discover(records: DnsRecords, flags: Partial<MemberConfig>): Promise<MemberConfig> {
  dns = await DnsServer.start(records);
  const config = { ...defaultConfig(), name: 'm1', initialCluster: [], discoverySrv: { domain: 'example.test', serviceName: '' }, ...flags };
  const seams = { http: () => Promise.reject(new Error('no discovery service here')), resolver: nodeSrvResolver([dns.address]), sleep: async () => {}, log: { info: () => {}, warn: () => {} } };
  const found = await discoverBootstrap(config, seams);
  if (found.kind !== 'member') throw new Error('expected a member');
  return found.config;
}

describe('DNS SRV discovery', () => {
  it("_etcd-server-ssl records give etcd's cluster: this member by its resolved address, the others numbered", async () => {
    const config = await discover({ srv: { '_etcd-server-ssl._tcp.example.test': TWO }, a: A }, { initialAdvertisePeerUrls: ['https://127.0.0.1:41411'] });
    expect(config.initialCluster).toEqual([
      { name: 'm1', peerUrls: ['https://m1.example.test:41411'] },
      { name: '0', peerUrls: ['https://m2.example.test:41412'] },
    ]);
    // What etcd 3.4.23 printed for these records: member 7ff0f6ea24f283e8 and a731e1f1091821ad in cluster cecf7c33022c39db.
    const identity = bootstrapIdentity(config);
    expect(formatId(identity.memberId)).toBe('7ff0f6ea24f283e8');
    expect(identity.bootstrap.voters.map(formatId).sort()).toEqual(['7ff0f6ea24f283e8', 'a731e1f1091821ad']);
    expect(formatId(identity.clusterId)).toBe('cecf7c33022c39db');
  });

  it('--discovery-srv-name adds its suffix to the service', async () => {
    const config = await discover({ srv: { '_etcd-server-ssl-blue._tcp.example.test': TWO }, a: A }, { initialAdvertisePeerUrls: ['https://127.0.0.1:41412'], discoverySrv: { domain: 'example.test', serviceName: 'blue' } });
    expect(config.initialCluster.map((m) => m.name)).toEqual(['0', 'm1']);
  });

  it('as etcd 3.4.23, _etcd-server (http) records alone are not enough: the ssl lookup fails the start', async () => {
    await expect(discover({ srv: { '_etcd-server._tcp.example.test': TWO }, a: A }, { initialAdvertisePeerUrls: ['http://127.0.0.1:41411'] })).rejects.toThrow(
      'error setting up initial cluster: error querying DNS SRV records for _etcd-server-ssl lookup _etcd-server-ssl._tcp.example.test: no such host',
    );
  });

  it('a member whose advertised URL no record resolves to is not in the SRV records', async () => {
    await expect(discover({ srv: { '_etcd-server-ssl._tcp.example.test': TWO }, a: A }, { initialAdvertisePeerUrls: ['https://127.0.0.1:41999'] })).rejects.toThrow(
      'error setting up initial cluster: cannot find local etcd member "m1" in SRV records',
    );
  });

  it('a record for this member with the wrong scheme is a scheme mismatch, and this member is then missing', async () => {
    await expect(discover({ srv: { '_etcd-server-ssl._tcp.example.test': TWO }, a: A }, { initialAdvertisePeerUrls: ['http://127.0.0.1:41411'] })).rejects.toThrow(
      'cannot find local etcd member "m1" in SRV records',
    );
  });
});
