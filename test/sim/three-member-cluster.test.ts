import { describeSimulatedCluster } from './simulated-cluster-suite.js';

describeSimulatedCluster(3, 'test/sim/three-member-cluster.test.ts', [
  // A leader cut off from its quorum appended 418 uncommitted entries; once healed, one small App
  // at a time, it could not replicate them before the recovery bound (fixed by bounding that tail).
  561067174,
  // n2 applied its own removal from voters {n1, n2} and retired; n1 never learned the commit and
  // waits for n2's vote for ever: stranded by a removal, counted rather than failed (recovery.ts).
  987888879,
]);
