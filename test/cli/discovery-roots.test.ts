// What the discovery client trusts: node's roots, or, as Go reads them for etcd's discovery client,
// SSL_CERT_FILE and SSL_CERT_DIR (each joined by the system's other half unless both are set).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { discoveryRoots } from '../../bin/discovery-roots.js';

const dir = mkdtempSync(join(tmpdir(), 'raftkv-roots-'));
const pem = (n: number): string => `-----BEGIN CERTIFICATE-----\nTUlJQ${n}\n-----END CERTIFICATE-----`;
const bundle = join(dir, 'bundle.pem');
writeFileSync(bundle, `# a comment\n${pem(1)}\ntext between\n${pem(2)}\n`);
const certDir = join(dir, 'certs');
mkdirSync(certDir);
writeFileSync(join(certDir, 'a.pem'), pem(3));
writeFileSync(join(certDir, 'README'), 'not a certificate');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('discoveryRoots', () => {
  it("is node's own roots when neither variable is set", () => {
    expect(discoveryRoots({})).toBeUndefined();
    expect(discoveryRoots({ SSL_CERT_FILE: '', SSL_CERT_DIR: '' })).toBeUndefined();
  });

  it('reads every certificate of SSL_CERT_FILE, joined by the system roots', () => {
    expect(discoveryRoots({ SSL_CERT_FILE: bundle })).toEqual([pem(1), pem(2), ...rootCertificates]);
  });

  it('reads the certificates in each SSL_CERT_DIR directory, skipping other files and missing directories', () => {
    expect(discoveryRoots({ SSL_CERT_DIR: `${certDir}:${join(dir, 'missing')}` })).toEqual([pem(3), ...rootCertificates]);
  });

  it('trusts only the two when both are set; an unreadable file adds nothing, as in Go', () => {
    expect(discoveryRoots({ SSL_CERT_FILE: bundle, SSL_CERT_DIR: certDir })).toEqual([pem(1), pem(2), pem(3)]);
    expect(discoveryRoots({ SSL_CERT_FILE: join(dir, 'nope.pem'), SSL_CERT_DIR: certDir })).toEqual([pem(3)]);
  });
});
