// Certificates made with Debian's openssl for a test or a benchmark run: a CA, and leaf
// certificates it signs (or a self-signed one) with the common name and subject alternative names
// asked for. Nothing here is checked in; every run makes fresh keys in a temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestCa extends CertFiles {
  dir: string;
  /** A leaf certificate signed by this CA, usable as both server and client certificate. */
  issue(name: string, opts?: LeafOptions): CertFiles;
  /** A CRL signed by this CA revoking the given certificate files (none: an empty CRL); its path. */
  crl(name: string, revoked: string[]): string;
}

export interface LeafOptions {
  /** Common name; defaults to the file name. */
  cn?: string;
  /** Subject alternative names; defaults to 127.0.0.1, ::1 and localhost. */
  ips?: string[];
  dns?: string[];
  days?: number;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function sanLine(opts: LeafOptions): string {
  const ips = opts.ips ?? ['127.0.0.1', '::1'];
  const dns = opts.dns ?? ['localhost'];
  return [...ips.map((ip) => `IP:${ip}`), ...dns.map((d) => `DNS:${d}`)].join(',');
}

function leafExtensions(opts: LeafOptions): string {
  const san = sanLine(opts);
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    ...(san === '' ? [] : [`subjectAltName=${san}`]),
  ].join('\n');
}

/** A new CA (EC P-256) in a fresh temporary directory, or in `dir` if given. */
export function makeCa(name = 'ca', dir = mkdtempSync(join(tmpdir(), 'raftkv-certs-'))): TestCa {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  openssl(['req', '-x509', '-new', '-key', key, '-sha256', '-days', '30', '-subj', `/CN=${name}`, '-out', cert,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return {
    dir,
    cert,
    key,
    issue(leaf: string, opts: LeafOptions = {}): CertFiles {
      const leafKey = join(dir, `${leaf}.key`);
      const csr = join(dir, `${leaf}.csr`);
      const ext = join(dir, `${leaf}.ext`);
      const leafCert = join(dir, `${leaf}.crt`);
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', leafKey], dir);
      openssl(['req', '-new', '-key', leafKey, '-subj', `/CN=${opts.cn ?? leaf}`, '-out', csr], dir);
      writeFileSync(ext, leafExtensions(opts));
      openssl(['x509', '-req', '-in', csr, '-CA', cert, '-CAkey', key, '-CAcreateserial', '-sha256',
        '-days', String(opts.days ?? 30), '-extfile', ext, '-out', leafCert], dir);
      return { cert: leafCert, key: leafKey };
    },
    crl(crlName: string, revoked: string[]): string {
      // `openssl ca` keeps its revocations in an index file; a fresh one per CRL.
      const index = join(dir, `${crlName}.index`);
      const config = join(dir, `${crlName}.cnf`);
      writeFileSync(index, '');
      writeFileSync(config, [
        '[ca]', 'default_ca = test', '[test]', `database = ${index}`, `certificate = ${cert}`, `private_key = ${key}`,
        'default_md = sha256', 'default_crl_days = 30', '',
      ].join('\n'));
      for (const file of revoked) openssl(['ca', '-config', config, '-revoke', file], dir);
      const out = join(dir, `${crlName}.crl`);
      openssl(['ca', '-config', config, '-gencrl', '-out', out], dir);
      return out;
    },
  };
}

/** A self-signed leaf certificate (no CA), as a stranger to every test CA would present. */
export function makeSelfSigned(name: string, dir = mkdtempSync(join(tmpdir(), 'raftkv-certs-')), opts: LeafOptions = {}): CertFiles {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  const addext = leafExtensions(opts).split('\n').flatMap((line) => ['-addext', line]);
  openssl(['req', '-x509', '-new', '-key', key, '-sha256', '-days', '30', '-subj', `/CN=${opts.cn ?? name}`, ...addext, '-out', cert], dir);
  return { cert, key };
}
