// --auto-tls and --peer-auto-tls: the self-signed certificate etcd 3.4 makes (transport.SelfCert)
// in <data-dir>/fixtures/client or .../peer, as cert.pem and key.pem: ECDSA P-521, subject
// O=etcd, valid 365 days from now, a random 128-bit serial, key usage digitalSignature and
// keyEncipherment, extended key usage serverAuth, not a CA, and the hosts of the listen URLs as
// subject alternative names. Files already there (both of them) are used as they are, as etcd does.
//
// node's crypto makes the key and the signature; the DER of the certificate is written here
// (der.ts), which keeps raftkv free of an X.509 library's dependency tree for one fixed template.
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as der from './der.js';

export interface SelfSignedFiles {
  certFile: string;
  keyFile: string;
  /** False when the files were already there. */
  created: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const OID = {
  organization: '2.5.4.10',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};
const DIGITAL_SIGNATURE = 0;
const KEY_ENCIPHERMENT = 2;

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand "::" and read eight 16-bit groups.
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

/** GeneralNames: an IP address (IPv6 bracketed or not) as iPAddress, anything else as dNSName. */
function subjectAltNames(hosts: readonly string[]): Buffer {
  return der.sequence(
    ...hosts.map((host) => {
      const h = host.replace(/^\[|\]$/g, '');
      return isIP(h) ? der.implicit(7, ipBytes(h)) : der.implicit(2, Buffer.from(h, 'ascii'));
    }),
  );
}

/** A self-signed certificate and its key, both PEM, in etcd's shape. */
export function makeSelfSigned(hosts: readonly string[], now: Date): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha512));
  const name = der.sequence(der.set(der.sequence(der.oid(OID.organization), der.utf8String('etcd'))));
  const tbs = der.sequence(
    der.explicit(0, der.unsignedInteger(Buffer.from([2]))), // v3
    der.unsignedInteger(randomBytes(16)),
    algorithm,
    name,
    der.sequence(der.time(now), der.time(new Date(now.getTime() + 365 * DAY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(
      extension(OID.keyUsage, true, der.namedBits([DIGITAL_SIGNATURE, KEY_ENCIPHERMENT])),
      extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth))),
      extension(OID.basicConstraints, true, der.sequence()),
      ...(hosts.length === 0 ? [] : [extension(OID.subjectAltName, false, subjectAltNames(hosts))]),
    )),
  );
  const signature = sign('sha512', tbs, { key: privateKey, dsaEncoding: 'der' });
  const certDer = der.sequence(tbs, algorithm, der.bitString(signature));
  const cert = new X509Certificate(certDer).toString();
  return { cert, key: privateKey.export({ type: 'sec1', format: 'pem' }).toString() };
}

/** etcd's SelfCert: the certificate and key in `dir`, made for `hosts` unless both files exist already. */
export function ensureSelfSigned(dir: string, hosts: readonly string[], now = new Date()): SelfSignedFiles {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) return { certFile, keyFile, created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { cert, key } = makeSelfSigned(hosts, now);
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(certFile, cert, { mode: 0o644 });
  return { certFile, keyFile, created: true };
}
