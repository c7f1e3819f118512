// The tests' certificates come from the harness's maker, which the benchmark shares.
export * from '../../bench/harness/certs.js';
