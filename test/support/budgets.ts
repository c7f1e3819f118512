// How long tests wait. CI is a busy 2-core machine shared with other test runs, so waits are
// generous: they cost nothing when things go right, and when one gives up it fails with its own
// message (what it waited for; for processes, their last output) rather than a bare test timeout.
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';

/** Something on loopback sockets within this process: a connection, a delivery, a watch event. */
export const LOOPBACK_WAIT_MS = 10_000;

/**
 * A test that runs real member processes: several waits on the cluster (each up to
 * CLUSTER_WAIT_MS, for a start, an election, a member catching up) and the work between them.
 */
export const CLUSTER_TEST_MS = 4 * CLUSTER_WAIT_MS;
