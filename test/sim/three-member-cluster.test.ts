import { describeSimulatedCluster } from './simulated-cluster-suite.js';

describeSimulatedCluster(3, 'test/sim/three-member-cluster.test.ts');
