// The checks a TLS peer listener makes on a dialer's certificate once the handshake is done, in
// etcd's order: signed by the trusted CA (TLS verification), the allowed CN or hostname, then the
// certificate's SANs against the address it connects from (checkCertSAN in listener_tls.go).
import { lookup, reverse } from 'node:dns/promises';
import { checkServerIdentity } from 'node:tls';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { disallowedIdentity } from './secure-socket.js';
import type { PeerTls } from './secure-socket.js';

export interface CertRefusal {
  /** Told to the dialer: which rule it failed, not what this member expects. */
  reason: string;
  /** Logged here. */
  detail: string;
}

/** Why the client certificate on a fresh TLS connection is refused, or undefined when it may talk. */
export async function vetClientCertificate(socket: TLSSocket, tls: PeerTls): Promise<CertRefusal | undefined> {
  // Without client certificate auth none is asked for, so there is nothing to check (as in etcd).
  if (!tls.clientCertAuth) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return { reason: 'client certificate required', detail: 'no client certificate' };
  if (!socket.authorized) return { reason: 'client certificate not trusted', detail: String(socket.authorizationError) };
  const disallowed = disallowedIdentity(cert, tls);
  if (disallowed) return { reason: 'client certificate not allowed', detail: disallowed };
  if (tls.skipClientSanVerification) return undefined;
  const mismatch = await sanMismatch(cert, unmapIpv4(socket.remoteAddress ?? ''));
  return mismatch === undefined ? undefined : { reason: 'client certificate not issued for the address it connects from', detail: mismatch };
}

/** etcd's checkCertSAN: a certificate naming hosts must name this one, by IP or by a DNS name that resolves to it. */
async function sanMismatch(cert: PeerCertificate, host: string): Promise<string | undefined> {
  const { ipCount, dnsNames } = subjectAltNames(cert);
  if (ipCount === 0 && dnsNames.length === 0) return undefined;
  if (ipCount > 0) {
    // For an IP, node's identity check compares it with the IP SANs only, as Go's VerifyHostname does.
    const err = checkServerIdentity(host, cert);
    if (!err) return undefined;
    if (dnsNames.length === 0) return err.message;
  }
  if (await hostInDns(host, dnsNames)) return undefined;
  return `${host} does not match any of the DNS names ${dnsNames.join(', ')}`;
}

/**
 * Whether a DNS name in the certificate resolves to `host`, or `host` resolves back to one
 * (wildcards match the reverse name's suffix). etcd looks up the reverse name first; the answer
 * is the same either way, and the forward lookup, which reads /etc/hosts, is usually the quick one.
 */
async function hostInDns(host: string, dnsNames: string[]): Promise<boolean> {
  const names = dnsNames.filter((n) => !n.startsWith('*.'));
  const suffixes = dnsNames.filter((n) => n.startsWith('*.')).map((n) => n.slice(1));
  for (const name of names) {
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (addresses.some((a) => a.address === host)) return true;
  }
  const reverseNames = await reverse(host).catch(() => [] as string[]);
  return reverseNames
    .map((n) => n.replace(/\.$/, ''))
    .some((n) => names.includes(n) || suffixes.some((suffix) => n.endsWith(suffix)));
}

function subjectAltNames(cert: PeerCertificate): { ipCount: number; dnsNames: string[] } {
  const entries = cert.subjectaltname ? cert.subjectaltname.split(', ') : [];
  return {
    ipCount: entries.filter((e) => e.startsWith('IP Address:')).length,
    dnsNames: entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4)),
  };
}

/** A dual-stack listener sees an IPv4 dialer as ::ffff:a.b.c.d; Go, whose check this is, sees a.b.c.d. */
function unmapIpv4(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}
