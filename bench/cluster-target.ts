// A cluster under test — raftkv or etcd, started by the harness's ProcessCluster in a temp dir on
// free loopback ports with the same flags and layout for both, so the two differ only in the
// server binary.
import { ProcessCluster } from './harness/process-cluster.js';

export type TargetKind = 'raftkv' | 'etcd';

// etcd's defaults, passed to both explicitly: failover timing depends on them.
const HEARTBEAT_MS = 100;
const ELECTION_MS = 1000;

/** Starts `size` members and resolves once they agree on a leader. */
export async function startTarget(kind: TargetKind, size: number, etcdBinary: string): Promise<ProcessCluster> {
  try {
    return await ProcessCluster.start({
      size,
      label: `bench-${kind}`,
      token: `bench-${process.pid}`,
      heartbeatMs: HEARTBEAT_MS,
      electionMs: ELECTION_MS,
      extraFlags: ['--log-level', 'warn'],
      ...(kind === 'etcd' ? { server: { command: etcdBinary, args: ['--enable-v2'] } } : {}),
    });
  } catch (err) {
    throw new Error(`${kind}: ${(err as Error).message}`);
  }
}
