// A cluster under test — raftkv or etcd, started by the harness's ProcessCluster in a temp dir on
// free loopback ports with the same flags and layout for both, so the two differ only in the
// server binary.
import type { BenchCerts } from './bench-certs.js';
import { ProcessCluster, type ProcessClusterOptions } from './harness/process-cluster.js';

export type TargetKind = 'raftkv' | 'etcd';

// etcd's defaults, passed to both explicitly: failover timing depends on them.
const HEARTBEAT_MS = 100;
const ELECTION_MS = 1000;

/** https client and peer URLs, each requiring a certificate signed by the run's CA. */
function tlsOptions(certs: BenchCerts): ProcessClusterOptions {
  const { caFile, member } = certs;
  return {
    clientTls: { caFile, certFile: member.cert, keyFile: member.key, flags: ['--client-cert-auth', '--trusted-ca-file', caFile] },
    peerTls: () => ['--peer-cert-file', member.cert, '--peer-key-file', member.key, '--peer-trusted-ca-file', caFile, '--peer-client-cert-auth'],
  };
}

/** Starts `size` members (over TLS with `certs`) and resolves once they agree on a leader. */
export async function startTarget(kind: TargetKind, size: number, etcdBinary: string, certs?: BenchCerts): Promise<ProcessCluster> {
  try {
    return await ProcessCluster.start({
      size,
      label: `bench-${kind}`,
      token: `bench-${process.pid}`,
      heartbeatMs: HEARTBEAT_MS,
      electionMs: ELECTION_MS,
      extraFlags: ['--log-level', 'warn'],
      ...(kind === 'etcd' ? { server: { command: etcdBinary, args: ['--enable-v2'] } } : {}),
      ...(certs ? tlsOptions(certs) : {}),
    });
  } catch (err) {
    throw new Error(`${kind}: ${(err as Error).message}`);
  }
}
