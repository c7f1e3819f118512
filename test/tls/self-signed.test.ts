// --auto-tls's certificate: the shape etcd 3.4's SelfCert gives it (checked against a certificate
// real etcd made: O=etcd, P-521, 365 days, serverAuth, not a CA, listen hosts as SANs), usable by
// a node TLS server, and kept across restarts unless a file is missing.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSelfSigned } from '../../src/tls/self-signed.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raftkv-auto-tls-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ensureSelfSigned', () => {
  it('makes etcd\'s certificate: O=etcd, P-521 with SHA-512, a year, serverAuth only, not a CA, the listen hosts as SANs', () => {
    const now = new Date('2026-12-04T21:24:57Z');
    const { certFile, keyFile, created } = ensureSelfSigned(join(tempDir(), 'fixtures', 'client'), ['127.0.0.1', 'localhost', '::1'], now);
    expect(created).toBe(true);
    const cert = new X509Certificate(readFileSync(certFile));
    expect(cert.subject).toBe('O=etcd');
    expect(cert.issuer).toBe('O=etcd');
    expect(cert.ca).toBe(false);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime());
    expect(new Date(cert.validTo).getTime() - now.getTime()).toBe(365 * 24 * 3600 * 1000);
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.serialNumber.length).toBeGreaterThanOrEqual(30);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp521r1');
    expect(cert.verify(cert.publicKey)).toBe(true);
    const text = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA512');
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });

  it('gives a certificate a node TLS server serves with', async () => {
    const { certFile, keyFile } = ensureSelfSigned(tempDir(), ['127.0.0.1']);
    const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (s) => s.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const said = await new Promise<string>((resolve, reject) => {
        // The certificate names 127.0.0.1 and is its own issuer: trusting it as a CA verifies it.
        const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(certFile) }, () => socket.once('data', (d) => resolve(d.toString())));
        socket.once('error', reject);
      });
      expect(said).toBe('hello');
    } finally {
      server.close();
    }
  });

  it('keeps the files it finds, and makes both again when either is missing, as etcd does', () => {
    const dir = tempDir();
    const first = ensureSelfSigned(dir, ['127.0.0.1']);
    const cert = readFileSync(first.certFile, 'utf8');
    expect(ensureSelfSigned(dir, ['10.0.0.1'])).toMatchObject({ created: false });
    expect(readFileSync(first.certFile, 'utf8')).toBe(cert);
    rmSync(first.keyFile);
    expect(ensureSelfSigned(dir, ['127.0.0.1'])).toMatchObject({ created: true });
    expect(readFileSync(first.certFile, 'utf8')).not.toBe(cert);
  });

  it('writes the key readable by its owner only', () => {
    const { keyFile } = ensureSelfSigned(tempDir(), ['127.0.0.1']);
    expect(execFileSync('stat', ['-c', '%a', keyFile], { encoding: 'utf8' }).trim()).toBe('600');
  });
});
