// etcd's TLS flags as raftkv reads them. The outcomes marked "etcd" were checked against the real
// etcd 3.4.23 binary given the same flags (its startup error, or the TLS it then served); the ones
// marked "refused" are settings etcd 3.4 would accept and silently drop, which raftkv refuses.
import { describe, expect, it } from 'vitest';
import { FlagSet } from '../../bin/flag-set.js';
import { FLAGS } from '../../bin/flag-table.js';
import { readTls } from '../../bin/tls-flags.js';
import { configOf, failure, started } from './outcomes.js';

const HTTPS = ['--listen-client-urls', 'https://127.0.0.1:41379', '--advertise-client-urls', 'https://127.0.0.1:41379'];
const FILES = ['--cert-file', '/tls/server.crt', '--key-file', '/tls/server.key'];

describe('client TLS flags', () => {
  it('serves https with the certificate and key given', () => {
    expect(configOf([...HTTPS, ...FILES]).clientTls).toEqual({
      cert: { kind: 'files', certFile: '/tls/server.crt', keyFile: '/tls/server.key' },
      clientCertAuth: false,
    });
  });

  it('etcd: an https URL without a certificate and key (or --auto-tls) does not start', () => {
    const error = failure(HTTPS);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:41379 with HTTPS scheme');
  });

  it('etcd: a certificate without its key does not start', () => {
    expect(failure([...HTTPS, '--cert-file', 'server.crt']).message).toBe('KeyFile and CertFile must both be present[key: , cert: server.crt]');
  });

  it('etcd: --trusted-ca-file alone makes client certificates required', () => {
    expect(configOf([...HTTPS, ...FILES, '--trusted-ca-file', '/tls/ca.crt']).clientTls).toMatchObject({ clientCertAuth: true, trustedCaFile: '/tls/ca.crt' });
    expect(configOf([...HTTPS, ...FILES, '--client-cert-auth']).clientTls).toMatchObject({ clientCertAuth: true });
  });

  it('etcd 2: --ca-file is --trusted-ca-file plus --client-cert-auth (3.4 dropped it; unit files from etcd 2 clusters still carry it)', () => {
    const { config, notices } = started([...HTTPS, ...FILES, '--ca-file', '/tls/ca.crt']);
    expect(config.clientTls).toMatchObject({ clientCertAuth: true, trustedCaFile: '/tls/ca.crt' });
    expect(notices).toContain('--ca-file is deprecated (etcd 2): read as --trusted-ca-file=/tls/ca.crt --client-cert-auth');
    expect(configOf([...HTTPS, ...FILES, '--ca-file', '/tls/ca.crt', '--trusted-ca-file', '/tls/ca.crt']).clientTls).toMatchObject({ trustedCaFile: '/tls/ca.crt' });
    expect(failure([...HTTPS, ...FILES, '--ca-file', '/tls/a.crt', '--trusted-ca-file', '/tls/b.crt']).message).toBe(
      '--ca-file=/tls/a.crt and --trusted-ca-file=/tls/b.crt name different CA files',
    );
  });

  it('etcd 2: --peer-ca-file is --peer-trusted-ca-file plus --peer-client-cert-auth, from ETCD_PEER_CA_FILE too', () => {
    const peer = ['--listen-peer-urls', 'https://127.0.0.1:41380', '--initial-advertise-peer-urls', 'https://127.0.0.1:41380',
      '--initial-cluster', 'default=https://127.0.0.1:41380', '--peer-cert-file', '/tls/peer.crt', '--peer-key-file', '/tls/peer.key'];
    expect(configOf([...peer, '--peer-ca-file', '/tls/ca.crt']).peerTls).toMatchObject({ clientCertAuth: true, trustedCaFile: '/tls/ca.crt' });
    expect(configOf(peer, { ETCD_PEER_CA_FILE: '/tls/ca.crt' }).peerTls).toMatchObject({ clientCertAuth: true, trustedCaFile: '/tls/ca.crt' });
  });

  it('etcd: TLS flags are ignored for http URLs, with a warning for each', () => {
    const { config, notices } = started([
      '--listen-client-urls', 'http://127.0.0.1:41379', '--advertise-client-urls', 'http://127.0.0.1:41379',
      ...FILES, '--client-cert-auth',
    ]);
    expect(config.clientTls).toBeUndefined();
    expect(notices).toEqual(['http://127.0.0.1:41379 is http: --cert-file, --key-file, --client-cert-auth apply only to https URLs and are ignored for it']);
  });

  it('serves http and https side by side, warning that the http URL has no TLS', () => {
    const { config, notices } = started([
      '--listen-client-urls', 'http://127.0.0.1:41378,https://127.0.0.1:41379', '--advertise-client-urls', 'https://127.0.0.1:41379', ...FILES,
    ]);
    expect(config.listenClientUrls).toEqual(['http://127.0.0.1:41378', 'https://127.0.0.1:41379']);
    expect(config.clientTls?.cert).toEqual({ kind: 'files', certFile: '/tls/server.crt', keyFile: '/tls/server.key' });
    expect(notices).toEqual(['http://127.0.0.1:41378 is http: --cert-file, --key-file apply only to https URLs and are ignored for it']);
  });

  it('refused: http and https on one port (etcd multiplexes them)', () => {
    expect(failure(['--listen-client-urls', 'http://127.0.0.1:41379,https://127.0.0.1:41379', '--advertise-client-urls', 'https://127.0.0.1:41379', ...FILES]).message).toBe(
      '--listen-client-urls: http://127.0.0.1:41379 and https://127.0.0.1:41379 share an address; raftkv cannot serve http and https on one port (give them different ports)',
    );
  });

  it('etcd: --auto-tls makes a certificate in <data-dir>/fixtures/client for the listen hosts', () => {
    const config = configOf([...HTTPS, '--data-dir', '/var/lib/m1', '--auto-tls']);
    expect(config.clientTls).toEqual({ cert: { kind: 'auto', dir: '/var/lib/m1/fixtures/client', hosts: ['127.0.0.1'] }, clientCertAuth: false });
  });

  it('etcd: given files win over --auto-tls, with a warning', () => {
    const { config, notices } = started([...HTTPS, ...FILES, '--auto-tls']);
    expect(config.clientTls?.cert.kind).toBe('files');
    expect(notices).toEqual(['--auto-tls is ignored: --cert-file and --key-file are given']);
  });

  it.each([
    [['--client-cert-auth'], '--client-cert-auth'],
    [['--trusted-ca-file', '/tls/ca.crt'], '--trusted-ca-file'],
    [['--client-cert-auth', '--client-crl-file', '/tls/ca.crl'], '--client-cert-auth, --client-crl-file'],
  ])('refused: --auto-tls with %j, which etcd 3.4 drops when it makes a certificate', (extra, named) => {
    expect(failure([...HTTPS, '--auto-tls', ...extra]).message).toBe(
      `--auto-tls cannot be combined with ${named}: when it makes a certificate, etcd 3.4 drops them and lets every client in; give --cert-file and --key-file to verify clients`,
    );
  });

  it('refused: a CRL or an allowed hostname without client certificate authentication, which would check nothing', () => {
    expect(failure([...HTTPS, ...FILES, '--client-crl-file', '/tls/ca.crl']).message).toBe(
      '--client-crl-file needs --client-cert-auth or --trusted-ca-file: without them no client certificate is asked for',
    );
    expect(failure([...HTTPS, ...FILES, '--client-cert-allowed-hostname', 'app.example']).message).toBe(
      '--client-cert-allowed-hostname needs --client-cert-auth or --trusted-ca-file: without them no client certificate is asked for',
    );
  });

  it('takes a CRL and an allowed hostname with client certificate authentication', () => {
    const tls = configOf([...HTTPS, ...FILES, '--trusted-ca-file', '/tls/ca.crt', '--client-crl-file', '/tls/ca.crl', '--client-cert-allowed-hostname', 'app.example']).clientTls;
    expect(tls).toMatchObject({ clientCertAuth: true, crlFile: '/tls/ca.crl', allowedHostname: 'app.example' });
  });
});

describe('--cipher-suites', () => {
  it('etcd: refuses a name Go does not know, TLS or not', () => {
    const error = failure(['--cipher-suites', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,BOGUS']);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('unexpected TLS cipher suite "BOGUS"');
  });

  it('restricts the client listeners\' TLS 1.2 suites', () => {
    expect(configOf([...HTTPS, ...FILES, '--cipher-suites', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']).clientTls?.ciphers).toBe(
      'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256',
    );
  });

  it('says it is ignored when nothing uses TLS', () => {
    expect(started(['--cipher-suites', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']).notices).toEqual([
      '--cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is ignored: no TLS is configured',
    ]);
  });
});

describe('peer TLS flags', () => {
  const PEER_FILES = ['--peer-cert-file', '/tls/peer.crt', '--peer-key-file', '/tls/peer.key'];

  it('etcd: reads them for dialing peers even with http peer URLs, warning that the listener ignores them', () => {
    const { config, notices } = started([...PEER_FILES, '--peer-trusted-ca-file', '/tls/ca.crt', '--peer-cert-allowed-cn', 'member']);
    expect(config.peerTls).toEqual({
      cert: { kind: 'files', certFile: '/tls/peer.crt', keyFile: '/tls/peer.key' },
      trustedCaFile: '/tls/ca.crt',
      clientCertAuth: true,
      allowedCn: 'member',
      skipClientSanVerify: false,
    });
    expect(notices).toEqual([
      'http://localhost:2380 is http: --peer-cert-file, --peer-key-file, --peer-trusted-ca-file, --peer-cert-allowed-cn apply only to https URLs and are ignored for it',
    ]);
  });

  it('etcd: a peer certificate without its key does not start, even with http peer URLs', () => {
    expect(failure(['--peer-cert-file', 'server.crt']).message).toBe('KeyFile and CertFile must both be present[key: , cert: server.crt]');
  });

  it('etcd: an allowed CN and an allowed hostname exclude each other', () => {
    expect(failure([...PEER_FILES, '--peer-client-cert-auth', '--peer-cert-allowed-cn', 'm', '--peer-cert-allowed-hostname', 'm.example']).message).toBe(
      'AllowedCN and AllowedHostname are mutually exclusive (cn="m", hostname="m.example")',
    );
  });

  it('etcd: --peer-auto-tls makes a certificate in <data-dir>/fixtures/peer', () => {
    expect(configOf(['--data-dir', '/var/lib/m1', '--peer-auto-tls', '--experimental-peer-skip-client-san-verification']).peerTls).toEqual({
      cert: { kind: 'auto', dir: '/var/lib/m1/fixtures/peer', hosts: ['localhost'] },
      clientCertAuth: false,
      skipClientSanVerify: true,
    });
  });

  it('refused: --peer-auto-tls with --peer-client-cert-auth, which etcd 3.4 drops', () => {
    expect(failure(['--peer-auto-tls', '--peer-client-cert-auth']).message).toBe(
      '--peer-auto-tls cannot be combined with --peer-client-cert-auth: when it makes a certificate, etcd 3.4 drops them and lets every peer in; give --peer-cert-file and --peer-key-file to verify peers',
    );
  });

  // https peer URLs are refused before readTls sees them until the peer transport speaks TLS;
  // readTls already gives etcd's answers for them.
  it('etcd: an https peer URL without a peer certificate and key: the peer listener\'s error', () => {
    const flags = new FlagSet(FLAGS);
    flags.parse(['--peer-client-cert-auth']);
    const places = { dataDir: '/d', listenClientUrls: ['http://127.0.0.1:2379'], listenPeerUrls: ['https://127.0.0.1:2380'] };
    expect(readTls(flags, places, [])).toEqual({ ok: false, message: 'cannot listen on TLS for 127.0.0.1:2380: KeyFile and CertFile are not presented' });
  });

  it('takes https peer URLs with peer files, without a warning', () => {
    const flags = new FlagSet(FLAGS);
    flags.parse(PEER_FILES);
    const notices: string[] = [];
    const places = { dataDir: '/d', listenClientUrls: ['http://127.0.0.1:2379'], listenPeerUrls: ['https://127.0.0.1:2380'] };
    expect(readTls(flags, places, notices)).toMatchObject({ ok: true, peerTls: { cert: { kind: 'files', certFile: '/tls/peer.crt', keyFile: '/tls/peer.key' } } });
    expect(notices).toEqual([]);
  });
});
