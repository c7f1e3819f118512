// A TlsMaterial read from files, and read again when they change: certificate rotation without a
// restart. Every POLL_MS the files are stat'ed (inode, size, mtime); on a difference they are read,
// and if their content hash differs too and they pass the checks of tls-files.ts, they become the
// material and listeners are told. Files that fail the checks leave the old material in force,
// with one warning naming the file (a cert and key replaced one after the other may earn one).
import type { SecureContextOptions } from 'node:tls';
import type { Clock, Timer } from '../server/seams.js';
import type { TlsMaterial } from './material.js';
import { readTlsFiles, statSignature, TlsFileError } from './tls-files.js';
import type { TlsFileContents, TlsFiles } from './tls-files.js';

/**
 * How often the files are checked. A rotated certificate is in force within this time; the cost
 * is a few stat calls.
 */
export const TLS_POLL_MS = 5_000;

export interface FileMaterialOptions {
  files: TlsFiles;
  /** OpenSSL cipher string (cipher-suites.ts); node's default when absent. */
  ciphers?: string;
  clock: Pick<Clock, 'setInterval' | 'clearTimer'>;
  /** Told when changed files cannot be used and the old ones stay in force. */
  warn(message: string): void;
  /** Told when changed files were taken. */
  info?(message: string): void;
}

export class FileMaterial implements TlsMaterial {
  private contents: TlsFileContents;
  private signature: string;
  private lastProblem: string | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly timer: Timer;

  /** Reads and checks the files (throws TlsFileError naming a bad one), then polls them. */
  constructor(private readonly opts: FileMaterialOptions) {
    this.signature = statSignature(opts.files);
    this.contents = readTlsFiles(opts.files);
    this.timer = opts.clock.setInterval(() => this.poll(), TLS_POLL_MS);
  }

  current(): SecureContextOptions {
    const { cert, key, ca, crl } = this.contents;
    return {
      cert,
      key,
      ...(ca === undefined ? {} : { ca }),
      ...(crl === undefined ? {} : { crl }),
      ...(this.opts.ciphers === undefined ? {} : { ciphers: this.opts.ciphers }),
      minVersion: 'TLSv1.2',
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops polling. */
  close(): void {
    this.opts.clock.clearTimer(this.timer);
  }

  private poll(): void {
    const signature = statSignature(this.opts.files);
    if (signature === this.signature) return;
    let next: TlsFileContents;
    try {
      next = readTlsFiles(this.opts.files);
    } catch (err) {
      if (!(err instanceof TlsFileError)) throw err;
      // Not remembering the signature: the next poll looks again, and warns again only of a new problem.
      if (err.message !== this.lastProblem) this.opts.warn(`TLS files changed but cannot be used, keeping the previous ones: ${err.message}`);
      this.lastProblem = err.message;
      return;
    }
    this.signature = signature;
    this.lastProblem = undefined;
    if (next.hash === this.contents.hash) return;
    this.contents = next;
    this.opts.info?.(`TLS files changed; new connections use them (certificate ${this.opts.files.certFile})`);
    for (const listener of this.listeners) listener();
  }
}
