// The certificate authorities the discovery client trusts. etcd 3.4's discovery client has no TLS
// settings of its own: v2discovery.newDiscovery builds its transport from an empty
// transport.TLSInfo{} (not the peer or client TLS flags), so it presents no certificate and trusts
// Go's system roots, which on Linux an operator points elsewhere with SSL_CERT_FILE (replacing the
// system bundle) and SSL_CERT_DIR (colon-separated directories replacing the system ones). raftkv
// reads the same two variables; with neither set it trusts node's roots (Mozilla's, as Debian's
// ca-certificates), and a bundle or directory without the other is joined by them, as Go joins the
// system's other half.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates in a file; as Go's AppendCertsFromPEM, nothing for an unreadable or foreign one. */
function certificatesIn(path: string): string[] {
  try {
    return readFileSync(path, 'latin1').match(PEM_CERTIFICATE) ?? [];
  } catch {
    return [];
  }
}

function certificatesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((name) => certificatesIn(join(dir, name)));
  } catch {
    return [];
  }
}

/** The `ca` for the discovery client's https requests: undefined for node's own roots. */
export function discoveryRoots(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const file = env.SSL_CERT_FILE || undefined;
  const dirs = env.SSL_CERT_DIR ? env.SSL_CERT_DIR.split(':') : undefined;
  if (!file && !dirs) return undefined;
  return [
    ...(file ? certificatesIn(file) : []),
    ...(dirs ? dirs.flatMap(certificatesUnder) : []),
    ...(file && dirs ? [] : rootCertificates),
  ];
}
