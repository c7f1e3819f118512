// Free loopback ports for tests that start real members: the benchmark harness's own helper.
export { freePort, freePorts } from '../../bench/free-ports.js';
