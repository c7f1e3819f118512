import { describeSimulatedCluster } from './simulated-cluster-suite.js';

describeSimulatedCluster(5, 'test/sim/five-member-cluster.test.ts');
