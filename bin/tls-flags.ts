// etcd's TLS flags, client side and peer side, read into TlsSettings with etcd 3.4's rules
// (embed/etcd.go, pkg/transport/listener.go): a trusted CA file alone makes client certificates
// required; an https URL needs a certificate and key or auto TLS; given certificates win over auto
// TLS; TLS flags are ignored, with a warning, for http URLs. Where etcd would silently drop a
// security setting, raftkv refuses instead.
import { join } from 'node:path';
import { opensslCiphers } from '../src/tls/cipher-suites.js';
import type { TlsSettings } from '../src/tls/settings.js';
import { parseEtcdUrl } from './etcd-urls.js';
import type { FlagSet } from './flag-set.js';

interface SideFlags {
  side: 'client' | 'peer';
  cert: string;
  key: string;
  ca: string;
  /** etcd 2's deprecated CA flag: the trusted CA file plus client certificate authentication. */
  legacyCa: string;
  auth: string;
  crl: string;
  auto: string;
  hostname: string;
  cn?: string;
  skipSan?: string;
}

const CLIENT: SideFlags = {
  side: 'client', cert: 'cert-file', key: 'key-file', ca: 'trusted-ca-file', legacyCa: 'ca-file', auth: 'client-cert-auth',
  crl: 'client-crl-file', auto: 'auto-tls', hostname: 'client-cert-allowed-hostname',
};
const PEER: SideFlags = {
  side: 'peer', cert: 'peer-cert-file', key: 'peer-key-file', ca: 'peer-trusted-ca-file', legacyCa: 'peer-ca-file', auth: 'peer-client-cert-auth',
  crl: 'peer-crl-file', auto: 'peer-auto-tls', hostname: 'peer-cert-allowed-hostname', cn: 'peer-cert-allowed-cn',
  skipSan: 'experimental-peer-skip-client-san-verification',
};

export type TlsOutcome = { ok: true; clientTls?: TlsSettings; peerTls?: TlsSettings } | { ok: false; message: string };

export interface TlsPlaces {
  dataDir: string;
  listenClientUrls: readonly string[];
  listenPeerUrls: readonly string[];
}

export function readTls(flags: FlagSet, places: TlsPlaces, notices: string[]): TlsOutcome {
  const suites = flags.string('cipher-suites');
  const cipherList = suites === '' ? [] : suites.split(',');
  const mapped = opensslCiphers(cipherList);
  if ('error' in mapped) return { ok: false, message: mapped.error };
  const ciphers = cipherList.length > 0 ? mapped.ciphers : undefined;
  const sharedPort = sharedAddress(places.listenClientUrls);
  if (sharedPort) return { ok: false, message: sharedPort };

  const client = readSide(flags, CLIENT, places.listenClientUrls, places.dataDir, ciphers, notices);
  if (typeof client === 'string') return { ok: false, message: client };
  const peer = readSide(flags, PEER, places.listenPeerUrls, places.dataDir, ciphers, notices);
  if (typeof peer === 'string') return { ok: false, message: peer };
  if (ciphers !== undefined && !client && !peer) notices.push(`--cipher-suites=${suites} is ignored: no TLS is configured`);
  return { ok: true, ...(client ? { clientTls: client } : {}), ...(peer ? { peerTls: peer } : {}) };
}

/** etcd serves http and https on one port through a connection multiplexer; raftkv does not. */
function sharedAddress(urls: readonly string[]): string | undefined {
  const seen = new Map<string, string>();
  for (const url of urls) {
    const { scheme, host, port } = parseEtcdUrl(url);
    const key = `${host}:${port}`;
    const other = seen.get(key);
    if (other !== undefined && parseEtcdUrl(other).scheme !== scheme) {
      return `--listen-client-urls: ${other} and ${url} share an address; raftkv cannot serve http and https on one port (give them different ports)`;
    }
    seen.set(key, url);
  }
  return undefined;
}

/** A side's settings; undefined when it has no TLS; a string: why it cannot start. */
function readSide(flags: FlagSet, f: SideFlags, listenUrls: readonly string[], dataDir: string, ciphers: string | undefined, notices: string[]): TlsSettings | undefined | string {
  const text = (name: string | undefined): string => (name === undefined ? '' : flags.string(name));
  const [certFile, keyFile, trustedCa, legacyCa, crl, hostname, cn] = [f.cert, f.key, f.ca, f.legacyCa, f.crl, f.hostname, f.cn].map(text) as [string, string, string, string, string, string, string];
  // etcd 2.x documented `--ca-file ca.crt` as the same as `--trusted-ca-file ca.crt --client-cert-auth`.
  if (legacyCa !== '' && trustedCa !== '' && legacyCa !== trustedCa) return `--${f.legacyCa}=${legacyCa} and --${f.ca}=${trustedCa} name different CA files`;
  if (legacyCa !== '') notices.push(`--${f.legacyCa} is deprecated (etcd 2): read as --${f.ca}=${legacyCa} --${f.auth}`);
  const ca = trustedCa || legacyCa;
  const auto = flags.bool(f.auto);
  const clientCertAuth = flags.bool(f.auth) || ca !== '';
  const filesGiven = certFile !== '' || keyFile !== '';
  const given = [f.cert, f.key, f.ca, f.legacyCa, f.auth, f.crl, f.auto, f.hostname, f.cn, f.skipSan].filter((n): n is string => n !== undefined && flags.value(n) !== flags.lookup(n)!.default);
  const https = listenUrls.filter((u) => parseEtcdUrl(u).scheme === 'https');
  // As etcd, the client side's TLS is for its https listeners only; the peer side's also dials peers.
  const used = https.length > 0 || f.side === 'peer';

  if (given.length > 0) {
    for (const url of listenUrls.filter((u) => parseEtcdUrl(u).scheme === 'http')) {
      const [verb, be] = given.length === 1 ? ['applies', 'is'] : ['apply', 'are'];
      notices.push(`${url} is http: ${given.map((n) => `--${n}`).join(', ')} ${verb} only to https URLs and ${be} ignored for it`);
    }
  }
  if (auto && filesGiven) notices.push(`--${f.auto} is ignored: --${f.cert} and --${f.key} are given`);
  if (cn !== '' && hostname !== '') return `AllowedCN and AllowedHostname are mutually exclusive (cn=${JSON.stringify(cn)}, hostname=${JSON.stringify(hostname)})`;
  if (!filesGiven && !auto) {
    if (https.length > 0) {
      // etcd's two messages: the client listener setup's, and the peer listener's (transport.NewListener).
      return f.side === 'client'
        ? `TLS key/cert (--${f.cert}, --${f.key}) must be provided for client url ${https[0]} with HTTPS scheme`
        : `cannot listen on TLS for ${new URL(https[0]!).host}: KeyFile and CertFile are not presented`;
    }
    return undefined;
  }
  if (!used) return undefined;
  if (filesGiven && (certFile === '' || keyFile === '')) return `KeyFile and CertFile must both be present[key: ${keyFile}, cert: ${certFile}]`;

  const verifying = [f.auth, f.ca, f.legacyCa, f.crl, f.hostname, f.cn].filter((n): n is string => n !== undefined && given.includes(n));
  if (!filesGiven && verifying.length > 0) {
    return `--${f.auto} cannot be combined with ${verifying.map((n) => `--${n}`).join(', ')}: when it makes a certificate, etcd 3.4 drops them and lets every ${f.side} in; give --${f.cert} and --${f.key} to verify ${f.side}s`;
  }
  // Without client cert auth no certificate is asked for, so these would check nothing. (A peer's
  // allowed CN or hostname also checks the server's certificate when dialing, as in etcd.)
  const unchecked = [f.crl, ...(f.side === 'client' ? [f.hostname] : [])].filter((n) => given.includes(n));
  if (!clientCertAuth && unchecked.length > 0) {
    return `${unchecked.map((n) => `--${n}`).join(', ')} ${unchecked.length === 1 ? 'needs' : 'need'} --${f.auth} or --${f.ca}: without them no ${f.side} certificate is asked for`;
  }
  return {
    cert: filesGiven
      ? { kind: 'files', certFile, keyFile }
      : { kind: 'auto', dir: join(dataDir, 'fixtures', f.side), hosts: listenUrls.map((u) => parseEtcdUrl(u).host) },
    clientCertAuth,
    ...(ca === '' ? {} : { trustedCaFile: ca }),
    ...(crl === '' ? {} : { crlFile: crl }),
    ...(cn === '' ? {} : { allowedCn: cn }),
    ...(hostname === '' ? {} : { allowedHostname: hostname }),
    ...(ciphers === undefined ? {} : { ciphers }),
    ...(f.skipSan === undefined ? {} : { skipClientSanVerify: flags.bool(f.skipSan) }),
  };
}
