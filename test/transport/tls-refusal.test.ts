import { beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import type { PeerTls } from '../../src/transport/peer-transport.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { makeCa, makeSelfSigned } from '../support/certs.js';
import type { TestCa } from '../support/certs.js';
import { heartbeat, transportFixture } from './helpers.js';
import type { TestMember } from './helpers.js';
import { peerTls, SwappableMaterial } from './tls-fixture.js';

const fx = transportFixture();

let ca: TestCa;
beforeAll(() => (ca = makeCa()));

interface Case {
  /** The listener a's rules, on top of client certificate auth. */
  rules?: Partial<PeerTls>;
  /** Options for a and the good peer b, which pass those rules. */
  good(): { a: PeerTls; b: PeerTls };
  /** The dialer x, which trusts a's certificate but fails a's rules. */
  bad(): PeerTls;
  reason: string;
  detail: RegExp;
}

const trustsCa = (cert?: { cert: string; key: string }): PeerTls => peerTls(ca, cert);

const cases: [string, Case][] = [
  ['no certificate', { good: () => ({ a: trustsCa(ca.issue('a')), b: trustsCa(ca.issue('b')) }), bad: () => trustsCa(undefined), reason: 'client certificate required', detail: /no client certificate/ }],
  ['a certificate from another CA', {
    good: () => ({ a: trustsCa(ca.issue('a')), b: trustsCa(ca.issue('b')) }),
    bad: () => trustsCa(makeCa('other').issue('x')),
    reason: 'client certificate not trusted',
    detail: /UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
  }],
  ['a self-signed certificate', {
    good: () => ({ a: trustsCa(ca.issue('a')), b: trustsCa(ca.issue('b')) }),
    bad: () => trustsCa(makeSelfSigned('x')),
    reason: 'client certificate not trusted',
    detail: /SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/,
  }],
  ['a CN other than the allowed one', {
    rules: { allowedCn: 'raftkv-peer' },
    // etcd holds the listener's certificate to the rule too when a dials b, so both carry the CN.
    good: () => ({ a: trustsCa(ca.issue('a', { cn: 'raftkv-peer' })), b: trustsCa(ca.issue('b', { cn: 'raftkv-peer' })) }),
    bad: () => trustsCa(ca.issue('x')),
    reason: 'client certificate not allowed',
    detail: /CN "x" is not the allowed CN/,
  }],
  ['a certificate not valid for the allowed hostname', {
    rules: { allowedHostname: 'peers.example' },
    good: () => ({ a: trustsCa(ca.issue('a', { dns: ['peers.example'] })), b: trustsCa(ca.issue('b', { dns: ['peers.example'] })) }),
    bad: () => trustsCa(ca.issue('x', { dns: ['other.example'] })),
    reason: 'client certificate not allowed',
    detail: /not valid for the allowed hostname peers.example/,
  }],
  ['a certificate whose SANs do not name the address it dials from', {
    good: () => ({ a: trustsCa(ca.issue('a')), b: trustsCa(ca.issue('b')) }),
    bad: () => trustsCa(ca.issue('x', { ips: ['10.9.9.9'], dns: [] })),
    reason: 'client certificate not issued for the address it connects from',
    detail: /IP: 127\.0\.0\.1 is not in the cert's list: 10\.9\.9\.9/,
  }],
];

function withRules(tls: PeerTls, rules: Partial<PeerTls> = {}): PeerTls {
  return { ...tls, ...rules };
}

async function goodPair(c: Case): Promise<[TestMember, TestMember]> {
  const tls = c.good();
  const [a, b] = await fx.cluster(['a', 'b'], (id) => ({ tls: withRules(id === 'a' ? tls.a : tls.b, c.rules) }));
  b!.transport.send([heartbeat('b', 'a', 1)]);
  await waitFor('b reaching a over TLS', () => a!.received.length === 1, LOOPBACK_WAIT_MS);
  return [a!, b!];
}

describe('a TLS peer listener with client certificate auth', () => {
  it.each(cases)('refuses a dialer with %s, logging it once, while a good peer keeps talking', async (_what, c) => {
    const [a, b] = await goodPair(c);
    const x = await fx.member('x', { tls: c.bad() });
    x.transport.addPeer('a', [a.url]);
    await waitFor('several refused dials from x', () => x.transport.peerStats('a')!.connectionFailures >= 3, LOOPBACK_WAIT_MS);
    x.transport.send([heartbeat('x', 'a', 99)]);
    b.transport.send([heartbeat('b', 'a', 2)]);
    await waitFor('b still reaching a', () => a.received.length === 2, LOOPBACK_WAIT_MS);
    await sleep(50);
    expect(a.received.map((m) => m.from)).toEqual(['b', 'b']);
    const refusals = a.logs.filter((l) => l.msg === 'refused peer connection');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.obj).toMatchObject({ remote: '127.0.0.1', reason: c.reason });
    expect(String(refusals[0]!.obj.err)).toMatch(c.detail);
    // The dialer hears which rule it failed, once, and not what a expects.
    const heard = x.logs.filter((l) => l.msg === 'peer refused the connection');
    expect(heard.map((l) => l.obj.reason)).toEqual([c.reason]);
    expect(x.transport.peerStats('a')!.active).toBe(false);
  });

  it('accepts a certificate naming another address when told to skip the SAN check (--experimental-peer-skip-client-san-verification)', async () => {
    const a = await fx.member('a', { tls: peerTls(ca, ca.issue('a'), { skipClientSanVerification: true }) });
    await a.transport.start();
    const x = await fx.member('x', { tls: peerTls(ca, ca.issue('x', { ips: ['10.9.9.9'], dns: [] })) });
    x.transport.addPeer('a', [a.url]);
    x.transport.send([heartbeat('x', 'a', 1)]);
    await waitFor('delivery from x', () => a.received.length === 1, LOOPBACK_WAIT_MS);
  });

  it('accepts a certificate naming the dialer by a DNS name that resolves to its address', async () => {
    const a = await fx.member('a', { tls: peerTls(ca, ca.issue('a')) });
    await a.transport.start();
    const x = await fx.member('x', { tls: peerTls(ca, ca.issue('x', { ips: [], dns: ['localhost'] })) });
    x.transport.addPeer('a', [a.url]);
    x.transport.send([heartbeat('x', 'a', 1)]);
    await waitFor('delivery from x', () => a.received.length === 1, LOOPBACK_WAIT_MS);
  });

  it('asks for no client certificate without client cert auth, so a dialer without one is welcome', async () => {
    const a = await fx.member('a', { tls: peerTls(ca, ca.issue('a'), { clientCertAuth: false }) });
    await a.transport.start();
    const x = await fx.member('x', { tls: { material: new SwappableMaterial({ ca: [ca.cert] }), clientCertAuth: false, verifyServer: true } });
    x.transport.addPeer('a', [a.url]);
    x.transport.send([heartbeat('x', 'a', 1)]);
    await waitFor('delivery from x', () => a.received.length === 1, LOOPBACK_WAIT_MS);
  });
});
