// Every workload, in the order the report lists them (and --only names them).
import { cas } from './cas.js';
import { cpuPerOp } from './cpu-per-op.js';
import { failover } from './failover.js';
import { memory } from './memory.js';
import { reads } from './reads.js';
import { tlsChaos } from './tls-chaos.js';
import { watch } from './watch.js';
import type { Workload } from './workload.js';
import { writes } from './writes.js';

export const workloads: Workload[] = [writes, reads, cas, watch, failover, memory, tlsChaos, cpuPerOp];
