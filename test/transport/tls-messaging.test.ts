import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../bench/harness/wait.js';
import { MessageType } from '../../raft/types.js';
import { PeerTransport } from '../../src/transport/peer-transport.js';
import type { PeerTls } from '../../src/transport/peer-transport.js';
import { LOOPBACK_WAIT_MS } from '../support/budgets.js';
import { makeCa } from '../support/certs.js';
import type { CertFiles, TestCa } from '../support/certs.js';
import { ask, heartbeat, patternBytes, recordingLogger, snapMessage, transportFixture } from './helpers.js';
import type { TestMember } from './helpers.js';
import { clusterCerts, peerTls } from './tls-fixture.js';

const fx = transportFixture();
const MiB = 1024 * 1024;

let ca: TestCa;
let certs: Record<string, CertFiles>;
beforeAll(() => ({ ca, certs } = clusterCerts(['a', 'b', 'j'])));

function tlsCluster(ids: string[], overrides: Partial<PeerTls> = {}): Promise<TestMember[]> {
  return fx.cluster(ids, (id) => ({ tls: peerTls(ca, certs[id], overrides) }));
}

function lastLog(m: TestMember, msg: string): Record<string, unknown> | undefined {
  return m.logs.findLast((l) => l.msg === msg)?.obj;
}

describe('the peer transport over TLS', () => {
  it('carries messages both ways between members that check each other\'s certificates', async () => {
    const [a, b] = await tlsCluster(['a', 'b']);
    expect(a!.url).toMatch(/^https:/);
    a!.transport.send([heartbeat('a', 'b', 1), heartbeat('a', 'b', 2)]);
    b!.transport.send([{ ...heartbeat('b', 'a', 7), type: MessageType.HeartbeatResp }]);
    await waitFor('messages both ways over TLS', () => a!.received.length === 1 && b!.received.length === 2, LOOPBACK_WAIT_MS);
    expect(b!.received.map((m) => m.commit)).toEqual([1, 2]);
    expect(a!.received[0]).toMatchObject({ type: MessageType.HeartbeatResp, commit: 7 });
    expect(a!.logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('streams a snapshot of several MiB intact, in chunks, with heartbeats alongside', async () => {
    const [a, b] = await tlsCluster(['a', 'b']);
    a!.transport.send([heartbeat('a', 'b', 0)]);
    await waitFor('the TLS link to b', () => a!.transport.peerStats('b')!.active, LOOPBACK_WAIT_MS);
    const data = patternBytes(5 * MiB + 17);
    a!.transport.send([snapMessage('a', 'b', data, 77), heartbeat('a', 'b', 1)]);
    await waitFor('the snapshot reported sent', () => a!.snapshotStatus.length === 1, LOOPBACK_WAIT_MS);
    expect(a!.snapshotStatus).toEqual([{ to: 'b', ok: true }]);
    const snap = b!.received.find((m) => m.type === MessageType.Snap)!;
    expect(snap.snapshot!.metadata.index).toBe(77);
    expect(Buffer.from(snap.snapshot!.data).equals(Buffer.from(data))).toBe(true);
    expect(b!.received.filter((m) => m.type === MessageType.Heartbeat).map((m) => m.commit)).toEqual([0, 1]);
  });

  it('answers a one-shot peer request from a joiner dialing with the same TLS options', async () => {
    const a = await fx.member('a', { tls: peerTls(ca, certs.a), onRequest: async (kind, _body, from) => ({ kind, from }) });
    await a.transport.start();
    const j = await fx.member('j', { clusterId: '' });
    await expect(ask(j, [a.url], 'join-info', {}, LOOPBACK_WAIT_MS, peerTls(ca, certs.j))).resolves.toEqual({ kind: 'join-info', from: 'j' });
    await expect(ask(j, [a.url], 'join-info', {}, LOOPBACK_WAIT_MS, peerTls(ca, undefined))).rejects.toThrow(/refused: client certificate required/);
  });

  it('will not talk to a listener whose certificate the CA did not sign, unless told not to verify (auto TLS)', async () => {
    const stranger = makeCa('stranger');
    const b = await fx.member('b', { tls: peerTls(stranger, stranger.issue('b'), { clientCertAuth: false }) });
    await b.transport.start();
    const verifying = await fx.member('a', { tls: peerTls(ca, certs.a) });
    verifying.transport.addPeer('b', [b.url]);
    await waitFor('a failed dial to b', () => verifying.transport.peerStats('b')!.connectionFailures >= 2, LOOPBACK_WAIT_MS);
    expect(String(lastLog(verifying, 'cannot reach peer; retrying with backoff')!.err)).toMatch(/certificate/);
    expect(verifying.transport.peerStats('b')!.active).toBe(false);

    const trusting = await fx.member('c', { tls: peerTls(ca, certs.a, { verifyServer: false }) });
    trusting.transport.addPeer('b', [b.url]);
    trusting.transport.send([heartbeat('c', 'b', 1)]);
    await waitFor('delivery without verifying the listener', () => b.received.length === 1, LOOPBACK_WAIT_MS);
  });

  it('checks that the listener\'s certificate is valid for the host in its URL', async () => {
    const elsewhere = ca.issue('b-elsewhere', { ips: ['10.9.9.9'], dns: ['b.example'] });
    const b = await fx.member('b', { tls: peerTls(ca, elsewhere, { clientCertAuth: false }) });
    await b.transport.start();
    const a = await fx.member('a', { tls: peerTls(ca, certs.a) });
    a.transport.addPeer('b', [b.url]);
    await waitFor('a failed dial to b', () => a.transport.peerStats('b')!.connectionFailures >= 2, LOOPBACK_WAIT_MS);
    expect(String(lastLog(a, 'cannot reach peer; retrying with backoff')!.err)).toMatch(/127\.0\.0\.1 is not in the cert's list/);
  });

  it('dials an http peer URL over plain TCP even when peer TLS is configured: the scheme decides', async () => {
    const plain = await fx.member('p');
    await plain.transport.start();
    const [a] = await tlsCluster(['a']);
    a!.transport.addPeer('p', [plain.url]);
    a!.transport.send([heartbeat('a', 'p', 3)]);
    await waitFor('delivery to the plain member', () => plain.received.length === 1, LOOPBACK_WAIT_MS);
  });

  it('refuses to listen on an https URL without peer TLS, and an allowed CN together with an allowed hostname', async () => {
    const bare = await fx.member('x', { url: 'https://127.0.0.1:1' });
    await expect(bare.transport.start()).rejects.toThrow('cannot listen on TLS for https://127.0.0.1:1: no peer certificate and key');
    const both = { ...peerTls(ca, certs.a), allowedCn: 'a', allowedHostname: 'localhost' };
    const make = () => new PeerTransport({ memberId: 'a', clusterId: 'c', listenUrls: [], logger: recordingLogger([]), onMessages: () => {}, tls: both });
    expect(make).toThrow('AllowedCN and AllowedHostname are mutually exclusive (cn="a", hostname="localhost")');
  });
});
