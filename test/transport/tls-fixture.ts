// Peer TLS for transport tests: a TlsMaterial over certificate files that a test can swap (a
// rotation), and the certificates most tests share, made once per file that asks for them.
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { TlsMaterial } from '../../src/tls/material.js';
import type { PeerTls } from '../../src/transport/peer-transport.js';
import { makeCa } from '../support/certs.js';
import type { CertFiles, TestCa } from '../support/certs.js';

export interface MaterialFiles {
  cert?: CertFiles;
  /** CA certificate files to trust. */
  ca?: string[];
}

/** Reads its files on every current(), as a file-backed material would after a reload. */
export class SwappableMaterial implements TlsMaterial {
  private readonly listeners = new Set<() => void>();

  constructor(private files: MaterialFiles) {}

  current(): SecureContextOptions {
    const { cert, ca } = this.files;
    return {
      ...(cert && { cert: readFileSync(cert.cert), key: readFileSync(cert.key) }),
      ...(ca && { ca: ca.map((file) => readFileSync(file)) }),
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Switches to other files and tells every subscriber, as a rotation on disk would. */
  swap(files: MaterialFiles): void {
    this.files = files;
    for (const listener of this.listeners) listener();
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}

/** Peer TLS with a certificate the CA signed, trusting that CA; client certificates required unless overridden. */
export function peerTls(ca: TestCa, cert: CertFiles | undefined, overrides: Partial<PeerTls> = {}): PeerTls {
  return { material: new SwappableMaterial({ cert, ca: [ca.cert] }), clientCertAuth: true, verifyServer: true, ...overrides };
}

/** A CA and a certificate it signed for each of the given members (valid for 127.0.0.1, ::1 and localhost). */
export function clusterCerts(ids: string[]): { ca: TestCa; certs: Record<string, CertFiles> } {
  const ca = makeCa();
  return { ca, certs: Object.fromEntries(ids.map((id) => [id, ca.issue(id)])) };
}
