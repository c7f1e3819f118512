// The TlsMaterial behind one side's settings: the files given, or --auto-tls's generated ones.
import type { Clock } from '../server/seams.js';
import { FileMaterial } from './file-material.js';
import { ensureSelfSigned } from './self-signed.js';
import type { TlsSettings } from './settings.js';

export interface MaterialLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Throws TlsFileError naming a file that cannot be used. */
export function openMaterial(settings: TlsSettings, clock: Pick<Clock, 'setInterval' | 'clearTimer'>, log: MaterialLog): FileMaterial {
  let { cert } = settings;
  if (cert.kind === 'auto') {
    const made = ensureSelfSigned(cert.dir, cert.hosts);
    log.info(`${made.created ? 'created' : 'using'} self-signed certificate ${made.certFile} and key ${made.keyFile}`);
    cert = { kind: 'files', certFile: made.certFile, keyFile: made.keyFile };
  }
  return new FileMaterial({
    files: {
      certFile: cert.certFile,
      keyFile: cert.keyFile,
      ...(settings.trustedCaFile === undefined ? {} : { trustedCaFile: settings.trustedCaFile }),
      ...(settings.crlFile === undefined ? {} : { crlFile: settings.crlFile }),
    },
    ...(settings.ciphers === undefined ? {} : { ciphers: settings.ciphers }),
    clock,
    warn: (m) => log.warn(m),
    info: (m) => log.info(m),
  });
}
