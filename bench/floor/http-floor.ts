// `npm run bench:floor`: what node's HTTP stack alone costs per default read, beside raftkv and
// etcd in the same run. Three canned-answer servers (canned-server.ts) stand for three members;
// each target gets the bench's own `get` job, open-loop at --rate reads a second with the members'
// CPU read from /proc (as the cpu workload does), then closed-loop with 64 clients; targets are
// alternated (A B C, then C B A, ...) for --pairs rounds and the medians printed as a table.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startTarget } from '../cluster-target.js';
import { measureCpuWindow } from '../cpu-window.js';
import { installCleanupHandlers, trackChild } from '../harness/child-registry.js';
import { cpuMicrosPerOp } from '../harness/proc-cpu.js';
import { freePorts } from '../harness/free-ports.js';
import { runLoad } from '../load-driver.js';
import { findEtcd } from '../machine.js';
import { ProgressLine } from '../progress-line.js';
import { median } from '../run-figures.js';

const CLIENTS = 64;
const KEYS = 1000;
const PREFIX = '/bench/floor';

interface Target {
  name: string;
  urls: string[];
  pids: number[];
  stop(): Promise<void>;
}

async function cannedServers(): Promise<Target> {
  const ports = await freePorts(3);
  const procs: ChildProcess[] = ports.map((port) => fork(resolve(import.meta.dirname, 'canned-server.js'), [String(port)], { stdio: 'inherit' }));
  procs.forEach(trackChild);
  await Promise.all(procs.map((p, i) => new Promise<void>((ok, fail) => {
    p.once('message', () => ok());
    p.once('exit', (code) => fail(new Error(`canned server on port ${ports[i]} exited (${code}) before listening`)));
  })));
  return {
    name: 'node:http alone',
    urls: ports.map((port) => `http://127.0.0.1:${port}`),
    pids: procs.map((p) => p.pid!),
    stop: async () => void procs.forEach((p) => p.kill()),
  };
}

async function cluster(kind: 'raftkv' | 'etcd', etcd: string): Promise<Target> {
  const c = await startTarget(kind, 3, etcd);
  return { name: kind, urls: c.clientUrls(), pids: c.members.map((_, i) => c.pid(i)), stop: () => c.stop() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { pairs: { type: 'string', default: '3' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '4' } } });
  const [pairs, rate, seconds] = [Number(values.pairs), Number(values.rate), Number(values.seconds)];
  const etcd = findEtcd();
  if (etcd === undefined) throw new Error('etcd is not on PATH (Debian: apt-get install etcd-server)');
  installCleanupHandlers();
  const progress = new ProgressLine();
  const targets = [await cannedServers(), await cluster('raftkv', etcd), await cluster('etcd', etcd)];
  const cpu = new Map<string, number[]>();
  const rates = new Map<string, number[]>();
  try {
    for (const t of targets) {
      await runLoad(`${t.name}: writing keys`, 'put', { endpoints: t.urls, concurrency: 16, valueSize: 256, prefix: PREFIX, keys: KEYS }, { warmupMs: 0 }, progress);
    }
    for (let round = 0; round < pairs; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const durationMs = seconds * 1000;
        let window: ReturnType<typeof measureCpuWindow> | undefined;
        const paced = await runLoad(`${t.name} at ${rate}/s`, 'get', { endpoints: t.urls, concurrency: CLIENTS, rate, quorum: false, prefix: PREFIX, keys: KEYS },
          { warmupMs: 1000, durationMs }, progress, () => (window = measureCpuWindow(t.pids, durationMs)).then(() => undefined));
        const w = await window!;
        const cpuSeconds = w.memberCpuSeconds.reduce((a, b) => a + b, 0);
        const closed = await runLoad(`${t.name} c=${CLIENTS}`, 'get', { endpoints: t.urls, concurrency: CLIENTS, quorum: false, prefix: PREFIX, keys: KEYS },
          { warmupMs: 1000, durationMs }, progress);
        const push = (m: Map<string, number[]>, v: number): void => void m.set(t.name, [...(m.get(t.name) ?? []), v]);
        push(cpu, cpuMicrosPerOp({ cpuSeconds, wallSeconds: w.wallSeconds }, paced));
        push(rates, closed.ops / closed.seconds);
        progress.done(`${t.name}: ${cpu.get(t.name)!.at(-1)!.toFixed(0)} µs/read, ${rates.get(t.name)!.at(-1)!.toFixed(0)} reads/s`);
      }
    }
  } finally {
    for (const t of targets) await t.stop();
  }
  const etcdRate = median(rates.get('etcd')!);
  const etcdCpu = median(cpu.get('etcd')!);
  console.log(`| default reads, 3 processes, 256 B values | CPU µs/read at ${rate}/s | × etcd's | reads/s, c=${CLIENTS} spread | × etcd's |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const t of targets) {
    const [c, r] = [median(cpu.get(t.name)!), median(rates.get(t.name)!)];
    console.log(`| ${t.name} | ${c.toFixed(0)} | ${(c / etcdCpu).toFixed(2)} | ${r.toFixed(0)} | ${(r / etcdRate).toFixed(2)} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
