// Start-up and health as etcd orders them, with real Members over a fake clock and network:
// `ready` (when bin/serve.ts opens the client ports) waits for this member's publish, the store
// index counts membership as etcd's, and healthy() needs a quorum read, not just a known leader.
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapIdentity } from '../../src/server/identity.js';
import { MemberCluster } from './support/member-cluster.js';

let cluster: MemberCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('readiness, indexes and health in fake time', () => {
  it('every founder is ready once published; the first write lands at 8, as on a fresh etcd cluster', async () => {
    const c = (cluster = await new MemberCluster().start());
    for (const m of c.members) expect(await c.within(m.member.ready, `${m.name} ready`)).toBe(true);
    const ev = await c.within(c.follower().member.handle(c.request({ method: 'PUT', path: '/foo', val: 'bar' })), 'the first write');
    expect(ev.etcdIndex).toBe(8);
  });

  it('a founder alone never becomes ready, and says so when stopped', async () => {
    const c = (cluster = new MemberCluster());
    const config = c.configFor('m1', ['http://10.0.0.1:2380'], [1, 2, 3].map((i) => ({ name: `m${i}`, peerUrls: [`http://10.0.0.${i}:2380`] })));
    const alone = await c.launch(config, bootstrapIdentity(config));
    let ready: boolean | undefined;
    void alone.member.ready.then((r) => (ready = r));
    await c.clock.advance(20_000);
    expect(ready).toBeUndefined();
    const stopping = alone.member.stop();
    await c.clock.advance(5000);
    await stopping;
    await c.clock.until(() => ready !== undefined, 'ready to settle');
    expect(ready).toBe(false);
  });

  it('a leader cut off from its followers still names itself leader but is unhealthy within a second', async () => {
    const c = (cluster = await new MemberCluster().start());
    const leader = c.leader()!;
    expect(await c.within(leader.member.healthy(), 'health')).toBe(true);
    c.net.isolate(leader.member.memberId);
    const health = leader.member.healthy();
    expect(await c.within(health, 'health', 1000)).toBe(false);
    expect(leader.member.isLeader()).toBe(true);
    c.net.heal();
    let healthy = false;
    await c.clock.until(() => {
      void c.leader()?.member.healthy().then((h) => (healthy = h));
      return healthy;
    }, 'a leader healthy again');
  });
});
