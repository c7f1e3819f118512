// The certificates of one TLS benchmark run, made afresh with openssl: a CA; one certificate for
// every member (naming 127.0.0.1, so it serves the client and peer ports of all of them and
// passes etcd's check of a peer's SANs against its address); one for the load client; and a
// self-signed stranger's for connections that must be refused.
import type { CertFiles } from './harness/certs.js';
import { trackDir } from './harness/child-registry.js';
import { makeCa, makeSelfSigned } from './harness/certs.js';
import type { ClientCertFiles } from './harness/client-fetch.js';

export interface BenchCerts {
  dir: string;
  caFile: string;
  member: CertFiles;
  /** What the load process presents. */
  client: ClientCertFiles;
  stranger: CertFiles;
}

export function makeBenchCerts(): BenchCerts {
  const ca = makeCa('bench-ca');
  trackDir(ca.dir);
  const client = ca.issue('bench-client');
  return {
    dir: ca.dir,
    caFile: ca.cert,
    member: ca.issue('bench-member'),
    client: { caFile: ca.cert, certFile: client.cert, keyFile: client.key },
    stranger: makeSelfSigned('stranger', ca.dir),
  };
}
