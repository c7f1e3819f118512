// FileMaterial: files checked at start with errors that name the file, and rotation picked up by
// polling on a clock the test turns; changed files that cannot be used leave the old ones in force.
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileMaterial, TLS_POLL_MS } from '../../src/tls/file-material.js';
import { TlsFileError } from '../../src/tls/tls-files.js';
import type { TlsFiles } from '../../src/tls/tls-files.js';
import { makeCa } from '../support/certs.js';
import type { TestCa } from '../support/certs.js';
import { FakeClock } from '../support/fake-clock.js';

let ca: TestCa;
let dir: string;

beforeAll(() => {
  ca = makeCa();
  dir = mkdtempSync(join(tmpdir(), 'raftkv-material-'));
});
afterAll(() => {
  rmSync(ca.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of a leaf's files under `name`, so a test can replace them. */
function served(name: string): TlsFiles {
  const leaf = ca.issue(name);
  const files = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`), trustedCaFile: join(dir, `${name}-ca.crt`) };
  copyFileSync(leaf.cert, files.certFile);
  copyFileSync(leaf.key, files.keyFile);
  copyFileSync(ca.cert, files.trustedCaFile);
  return files;
}

/** Replaces `to` the way deployment tools do: a new file renamed over the old one. */
function replace(from: string, to: string): void {
  copyFileSync(from, `${to}.new`);
  renameSync(`${to}.new`, to);
}

function load(files: TlsFiles, clock = new FakeClock(), warnings: string[] = []): FileMaterial {
  return new FileMaterial({ files, clock, warn: (m) => warnings.push(m) });
}

function fingerprint(material: FileMaterial): string {
  return new X509Certificate(String(material.current().cert)).fingerprint256;
}

describe('FileMaterial at start', () => {
  it('serves the files with TLS 1.2 at least', () => {
    const files = served('ok');
    const material = load(files);
    expect(material.current()).toMatchObject({ minVersion: 'TLSv1.2' });
    expect(String(material.current().ca)).toContain('BEGIN CERTIFICATE');
    material.close();
  });

  it.each([
    ['a missing certificate', (f: TlsFiles) => ({ ...f, certFile: join(dir, 'nope.crt') }), /^cannot read certificate file .*nope\.crt: no such file$/],
    ['a missing CA file', (f: TlsFiles) => ({ ...f, trustedCaFile: join(dir, 'nope-ca.crt') }), /^cannot read trusted CA file .*nope-ca\.crt: no such file$/],
    ['a key that is not PEM', (f: TlsFiles) => {
      writeFileSync(join(dir, 'garbage.key'), 'not a key');
      return { ...f, keyFile: join(dir, 'garbage.key') };
    }, /^key file .*garbage\.key is not PEM: it has no PRIVATE KEY block$/],
    ['a certificate file holding a key', (f: TlsFiles) => ({ ...f, certFile: f.keyFile }), /^certificate file .*\.key is not PEM: it has no CERTIFICATE block$/],
    ['a broken PEM certificate', (f: TlsFiles) => {
      writeFileSync(join(dir, 'broken.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      return { ...f, certFile: join(dir, 'broken.crt') };
    }, /^certificate file .*broken\.crt cannot be used: /],
    ['a key of another certificate', (f: TlsFiles) => ({ ...f, keyFile: served('other').keyFile }), /^key file .*other\.key does not match the certificate in .*start\.crt$/],
  ])('refuses %s, naming the file', (_what, spoil, message) => {
    const files = spoil(served('start'));
    expect(() => load(files)).toThrow(TlsFileError);
    expect(() => load(files)).toThrow(message);
  });
});

describe('FileMaterial rotation', () => {
  it(`checks the files every ${TLS_POLL_MS} ms and takes new ones, telling its listeners`, async () => {
    const clock = new FakeClock();
    const files = served('rotating');
    const material = load(files, clock);
    const before = fingerprint(material);
    let told = 0;
    material.onChange(() => told++);
    const next = ca.issue('rotated');
    replace(next.cert, files.certFile);
    replace(next.key, files.keyFile);
    await clock.advance(TLS_POLL_MS - 1);
    expect(fingerprint(material)).toBe(before);
    await clock.advance(1);
    expect(fingerprint(material)).toBe(new X509Certificate(readFileSync(next.cert)).fingerprint256);
    expect(told).toBe(1);
    await clock.advance(TLS_POLL_MS * 3);
    expect(told).toBe(1);
    material.close();
  });

  it('does not call a change what only touched the files (same content)', async () => {
    const clock = new FakeClock();
    const files = served('touched');
    const material = load(files, clock);
    let told = 0;
    material.onChange(() => told++);
    replace(files.certFile, files.certFile);
    await clock.advance(TLS_POLL_MS);
    expect(told).toBe(0);
    material.close();
  });

  it('keeps the old files when the new ones cannot be used, warns once naming the file, then takes them once fixed', async () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    const files = served('bad-rotation');
    const material = load(files, clock, warnings);
    const before = fingerprint(material);
    let told = 0;
    material.onChange(() => told++);
    const next = ca.issue('half-done');
    replace(next.cert, files.certFile); // the key is not there yet
    await clock.advance(TLS_POLL_MS * 3);
    expect(fingerprint(material)).toBe(before);
    expect(told).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/keeping the previous ones: key file .*bad-rotation\.key does not match the certificate in .*bad-rotation\.crt$/)]);
    replace(next.key, files.keyFile);
    await clock.advance(TLS_POLL_MS);
    expect(told).toBe(1);
    expect(fingerprint(material)).not.toBe(before);
    expect(warnings).toHaveLength(1);
    material.close();
  });

  it('keeps the old files while one is missing', async () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    const files = served('vanishing');
    const material = load(files, clock, warnings);
    rmSync(files.trustedCaFile!);
    await clock.advance(TLS_POLL_MS);
    expect(String(material.current().ca)).toContain('BEGIN CERTIFICATE');
    expect(warnings).toEqual([expect.stringMatching(/cannot read trusted CA file .*vanishing-ca\.crt: no such file$/)]);
    material.close();
  });

  it('stops polling when closed', async () => {
    const clock = new FakeClock();
    const files = served('closed');
    const material = load(files, clock);
    let told = 0;
    material.onChange(() => told++);
    material.close();
    const next = ca.issue('closed-next');
    replace(next.cert, files.certFile);
    replace(next.key, files.keyFile);
    await clock.advance(TLS_POLL_MS * 2);
    expect(told).toBe(0);
  });
});
