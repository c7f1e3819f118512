// --cipher-suites: Go's names (as etcd 3.4.23 accepts them, checked against the real binary)
// turned into OpenSSL's, TLS 1.2 restricted and TLS 1.3 left as Go leaves it; etcd's error for a
// name Go does not know.
import { createServer, connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { opensslCiphers } from '../../src/tls/cipher-suites.js';
import { makeCa } from '../support/certs.js';

describe('opensslCiphers', () => {
  it('maps Go names to OpenSSL names after the TLS 1.3 suites, which Go always offers', () => {
    expect(opensslCiphers(['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_RSA_WITH_AES_128_CBC_SHA256'])).toEqual({
      ciphers: 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:AES128-SHA256',
    });
  });

  it('accepts the TLS 1.3 names, which change nothing (as in Go)', () => {
    expect(opensslCiphers(['TLS_AES_128_GCM_SHA256'])).toEqual({ ciphers: 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256' });
  });

  it.each(['BOGUS', 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'tls_ecdhe_rsa_with_aes_128_gcm_sha256', 'ECDHE-RSA-AES128-GCM-SHA256'])(
    'refuses %s with etcd\'s words, as Go does not know it',
    (name) => {
      expect(opensslCiphers([name])).toEqual({ error: `unexpected TLS cipher suite ${JSON.stringify(name)}` });
    },
  );

  it('refuses a suite Go knows but this OpenSSL cannot offer', () => {
    expect(opensslCiphers(['TLS_RSA_WITH_RC4_128_SHA'])).toEqual({ error: 'TLS cipher suite "TLS_RSA_WITH_RC4_128_SHA" is not available in this node\'s OpenSSL' });
  });

  it('limits what a TLS 1.2 handshake can agree on', async () => {
    const ca = makeCa();
    try {
      const leaf = ca.issue('server');
      const result = opensslCiphers(['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384']);
      if (!('ciphers' in result)) throw new Error(result.error);
      const server = createServer({ cert: readFileSync(leaf.cert), key: readFileSync(leaf.key), ciphers: result.ciphers }, (s) => s.end());
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const handshake = (ciphers: string) =>
        new Promise<string>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(ca.cert), maxVersion: 'TLSv1.2', ciphers }, () => {
            resolve(socket.getCipher().standardName);
            socket.end();
          });
          socket.once('error', (err) => resolve(`refused: ${err.message}`));
        });
      expect(await handshake('ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256')).toBe('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
      expect(await handshake('ECDHE-ECDSA-AES128-GCM-SHA256')).toMatch(/^refused: /);
      server.close();
    } finally {
      rmSync(ca.dir, { recursive: true, force: true });
    }
  });
});
