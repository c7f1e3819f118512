import { describeSimulatedCluster } from './simulated-cluster-suite.js';

describeSimulatedCluster(3, 'test/sim/three-member-cluster.test.ts', [
  // A leader cut off from its quorum appended 418 uncommitted entries; once healed, one small App
  // at a time, it could not replicate them before the recovery bound (fixed by bounding that tail).
  561067174,
]);
