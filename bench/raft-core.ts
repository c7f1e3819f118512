// Microbenchmark of the Raft core alone: committed proposals per second through an in-memory
// three-member cluster (instant delivery, no faults, no disk), for several batch sizes — a batch
// being the proposals made before the cluster settles, as a busy server would fold them into
// one Ready. Informative only.   Run: npm run build && node dist/bench/raft-core.js [seconds]
import type { RawNode } from '../raft/index.js';
import { InMemoryRaftCluster } from './in-memory-raft-cluster.js';

const BATCH_SIZES = [1, 16, 256];
const PAYLOAD = new TextEncoder().encode(`{"action":"set","key":"/bench/key","value":"${'x'.repeat(64)}"}`);

interface Measurement {
  batch: number;
  proposals: number;
  seconds: number;
  readyCyclesPerBatch: number;
}

function measure(batch: number, seconds: number): Measurement {
  const cluster = new InMemoryRaftCluster(3);
  const leader = cluster.electFirst();
  const warmup = Date.now() + 200;
  while (Date.now() < warmup) runBatch(cluster, leader.node, batch);
  const startApplied = leader.proposalsApplied;
  const startCycles = cluster.readyCycles;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let batches = 0;
  while (process.hrtime.bigint() < deadline) {
    runBatch(cluster, leader.node, batch);
    batches++;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const proposals = leader.proposalsApplied - startApplied;
  for (const m of cluster.members) {
    if (m.proposalsApplied !== leader.proposalsApplied) throw new Error(`${m.id} applied ${m.proposalsApplied}, leader ${leader.proposalsApplied}`);
  }
  return { batch, proposals, seconds: elapsed, readyCyclesPerBatch: (cluster.readyCycles - startCycles) / batches };
}

function runBatch(cluster: InMemoryRaftCluster, leader: RawNode, batch: number): void {
  for (let i = 0; i < batch; i++) leader.propose(PAYLOAD);
  cluster.settle();
}

function main(): void {
  const seconds = Number(process.argv[2] ?? 2);
  if (!(seconds > 0)) throw new Error(`seconds must be positive, got ${process.argv[2]}`);
  console.log(`raft core: 3 members in memory, instant delivery, ${PAYLOAD.length}-byte proposals, ${seconds} s per batch size`);
  console.log('');
  console.log('batch   committed/s   proposals   Readies/batch');
  for (const batch of BATCH_SIZES) {
    const m = measure(batch, seconds);
    const rate = Math.round(m.proposals / m.seconds);
    console.log(`${String(m.batch).padStart(5)}   ${String(rate).padStart(11)}   ${String(m.proposals).padStart(9)}   ${m.readyCyclesPerBatch.toFixed(1).padStart(13)}`);
  }
}

main();
