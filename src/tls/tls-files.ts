// Reading one endpoint's TLS files (certificate chain, key, trusted CAs, CRL) and checking them
// the way a server would use them, so that a bad file is named when it is read, not at the first
// handshake. Synchronous: the files are small, and they are read at start and on a change only.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Trusted CAs: peers' (clients') certificates must chain to one of them. */
  trustedCaFile?: string;
  /** Revoked certificates (PEM X509 CRL). */
  crlFile?: string;
}

/** A TLS file that cannot be used; the message names it. */
export class TlsFileError extends Error {}

export interface TlsFileContents {
  cert: string;
  key: string;
  ca?: string;
  crl?: string;
  /** sha256 of everything above: equal hashes, same material. */
  hash: string;
}

interface PemKind {
  block: string;
  begins: RegExp;
}

const PEM: Record<'certificate' | 'key' | 'crl', PemKind> = {
  certificate: { block: 'CERTIFICATE', begins: /-----BEGIN CERTIFICATE-----/ },
  key: { block: 'PRIVATE KEY', begins: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  crl: { block: 'X509 CRL', begins: /-----BEGIN X509 CRL-----/ },
};

function read(what: string, path: string, pem: PemKind): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new TlsFileError(`cannot read ${what} ${path}: ${why}`);
  }
  if (!pem.begins.test(text)) throw new TlsFileError(`${what} ${path} is not PEM: it has no ${pem.block} block`);
  return text;
}

function parse<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new TlsFileError(`${what} ${path} cannot be used: ${(err as Error).message}`);
  }
}

/** Reads and checks the files; throws TlsFileError naming the first file that cannot be used. */
export function readTlsFiles(files: TlsFiles): TlsFileContents {
  const cert = read('certificate file', files.certFile, PEM.certificate);
  const key = read('key file', files.keyFile, PEM.key);
  const ca = files.trustedCaFile === undefined ? undefined : read('trusted CA file', files.trustedCaFile, PEM.certificate);
  const crl = files.crlFile === undefined ? undefined : read('CRL file', files.crlFile, PEM.crl);
  const leaf = parse('certificate file', files.certFile, () => new X509Certificate(cert));
  const privateKey: KeyObject = parse('key file', files.keyFile, () => createPrivateKey(key));
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsFileError(`key file ${files.keyFile} does not match the certificate in ${files.certFile}`);
  }
  if (ca !== undefined) parse('trusted CA file', files.trustedCaFile!, () => createSecureContext({ ca }));
  if (crl !== undefined) parse('CRL file', files.crlFile!, () => createSecureContext({ crl }));
  const hash = createHash('sha256');
  for (const part of [cert, key, ca ?? '', crl ?? '']) hash.update(part).update('\0');
  return { cert, key, ca, crl, hash: hash.digest('hex') };
}

/**
 * What the files look like from outside (inode, size, modification time): a change here is what
 * makes the poller read them again. A file that cannot be stat'ed reads as "missing", a change too.
 */
export function statSignature(files: TlsFiles): string {
  return [files.certFile, files.keyFile, files.trustedCaFile, files.crlFile]
    .map((path) => {
      if (path === undefined) return '';
      try {
        const st = statSync(path);
        return `${st.ino}:${st.size}:${st.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}
