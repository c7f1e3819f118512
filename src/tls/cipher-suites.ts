// etcd's --cipher-suites names Go's cipher suites (crypto/tls, Go 1.19 as in etcd 3.4.23);
// node's TLS is OpenSSL, which names them its own way. As in Go, the list restricts TLS 1.2 only:
// TLS 1.3 always offers its three suites (Go has no setting for them), so the TLS 1.3 names are
// accepted and change nothing.
import { getCiphers } from 'node:tls';

/** Go's name → OpenSSL's, for every name etcd's tlsutil.GetCipherSuite accepts. */
const GO_TO_OPENSSL: Readonly<Record<string, string>> = {
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  // etcd's own aliases, from before Go named these with _SHA256.
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  // Go's "insecure" list, which etcd accepts too.
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
};

const TLS13_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];

/**
 * The OpenSSL cipher string for Go cipher suite names, or the reason they cannot be used: etcd's
 * error for a name Go does not know, or raftkv's for one this node's OpenSSL cannot offer (RC4
 * and 3DES are gone from OpenSSL 3's defaults).
 */
export function opensslCiphers(goNames: readonly string[]): { ciphers: string } | { error: string } {
  const available = new Set(getCiphers());
  const tls12: string[] = [];
  for (const name of goNames) {
    const openssl = Object.hasOwn(GO_TO_OPENSSL, name) ? GO_TO_OPENSSL[name] : undefined;
    if (openssl === undefined) return { error: `unexpected TLS cipher suite ${JSON.stringify(name)}` };
    if (!available.has(openssl.toLowerCase())) return { error: `TLS cipher suite ${JSON.stringify(name)} is not available in this node's OpenSSL` };
    if (!TLS13_SUITES.includes(openssl) && !tls12.includes(openssl)) tls12.push(openssl);
  }
  return { ciphers: [...TLS13_SUITES, ...tls12].join(':') };
}
