// The local development cluster: etcd's Procfile layout, command lines raftkv accepts, and the
// supervisor that runs the members (exercised here with small stand-in node processes).
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bin/flags.js';
import { LOCAL_CLUSTER_TOKEN, planLocalCluster } from '../../bin/local-cluster-plan.js';
import { Supervisor } from '../../bin/supervisor.js';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { memberIdFor } from '../../src/server/ids.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';

describe('the plan', () => {
  it("lays out three members on etcd's Procfile ports", () => {
    expect(planLocalCluster(3).map(({ name, clientUrl, peerUrl, dataDir }) => ({ name, clientUrl, peerUrl, dataDir }))).toEqual([
      { name: 'infra1', clientUrl: 'http://127.0.0.1:2379', peerUrl: 'http://127.0.0.1:12380', dataDir: 'infra1.raftkv' },
      { name: 'infra2', clientUrl: 'http://127.0.0.1:22379', peerUrl: 'http://127.0.0.1:22380', dataDir: 'infra2.raftkv' },
      { name: 'infra3', clientUrl: 'http://127.0.0.1:32379', peerUrl: 'http://127.0.0.1:32380', dataDir: 'infra3.raftkv' },
    ]);
  });

  it('gives each member a command line raftkv accepts, for the same cluster', () => {
    const members = planLocalCluster(5);
    for (const m of members) {
      const outcome = parseArgs(m.args, {});
      if (outcome.kind !== 'start') throw new Error(`${m.name}: ${JSON.stringify(outcome)}`);
      expect(outcome.config).toMatchObject({
        name: m.name,
        dataDir: m.dataDir,
        listenClientUrls: [m.clientUrl],
        advertiseClientUrls: [m.clientUrl],
        listenPeerUrls: [m.peerUrl],
        initialClusterToken: LOCAL_CLUSTER_TOKEN,
        initialClusterState: 'new',
        initialCluster: members.map((x) => ({ name: x.name, peerUrls: [x.peerUrl] })),
      });
    }
  });

  it("yields the member ids of etcd's Procfile cluster", () => {
    expect(planLocalCluster(3).map((m) => memberIdFor([m.peerUrl], LOCAL_CLUSTER_TOKEN))).toEqual([
      '8211f1d0f64f3269',
      '91bc3c398fb3c146',
      'fd422379fda50e48',
    ]);
  });

  it.each([0, 7, 2.5])('refuses %s members', (size) => {
    expect(() => planLocalCluster(size)).toThrow(/1 to 6 members/);
  });
});

/** A stand-in member: node running `script`. */
function standIn(name: string, script: string): { name: string; spawn: () => ReturnType<typeof spawn> } {
  return { name, spawn: () => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] }) };
}

const PATIENT = `
  process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
  console.log('hello'); console.error('to stderr');
  setInterval(() => {}, 1000);`;

function collect(out: PassThrough): () => string[] {
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text.split('\n').filter((line) => line !== '');
}

/** Waits for the stand-ins (node processes: slow to start on a busy machine); on timeout, says what they printed. */
async function until(what: string, check: () => boolean, lines: () => string[]): Promise<void> {
  await waitFor(what, check, CLUSTER_WAIT_MS, () => `printed so far:\n${lines().join('\n')}`);
}

describe('the supervisor', { timeout: CLUSTER_TEST_MS }, () => {
  it('prefixes every line with the member name, reports a member that dies, keeps the others, and stops them with SIGTERM', async () => {
    const out = new PassThrough();
    const lines = collect(out);
    let allExited = false;
    const supervisor = new Supervisor(
      [standIn('infra1', PATIENT), standIn('infra22', 'console.log("failing"); process.exit(3)'), standIn('infra3', PATIENT)],
      out,
      { color: false, onAllExited: () => (allExited = true) },
    );
    supervisor.start();
    await until('both patient members to print and the failing one to exit', () => lines().filter((l) => l.endsWith('| to stderr')).length === 2 && lines().some((l) => l.includes('exited')), lines);

    expect(lines()).toEqual(
      expect.arrayContaining([
        'infra1  | hello',
        'infra1  | to stderr',
        'infra22 | failing',
        'infra22 | exited with code 3 unexpectedly; the other members keep running',
        'infra3  | hello',
      ]),
    );
    await supervisor.stop();
    expect(lines()).toEqual(expect.arrayContaining(['infra1  | bye', 'infra3  | bye']));
    expect(allExited).toBe(false);
  });

  it('tells when the last member is gone', async () => {
    const out = new PassThrough();
    const lines = collect(out);
    let allExited = false;
    new Supervisor([standIn('solo', 'process.exit(1)')], out, { color: false, onAllExited: () => (allExited = true) }).start();
    await until('the last member to exit', () => allExited, lines);
    expect(lines()).toEqual(['solo | exited with code 1 unexpectedly; no member is left running']);
  });

  it('kills a member that ignores SIGTERM once the grace period is over', async () => {
    const out = new PassThrough();
    const stubborn = `process.on('SIGTERM', () => console.log('not stopping')); console.log('up'); setInterval(() => {}, 1000);`;
    const lines = collect(out);
    const supervisor = new Supervisor([standIn('stubborn', stubborn)], out, { color: false, onAllExited: () => {} });
    supervisor.start();
    await until('the stubborn member to start', () => lines().includes('stubborn | up'), lines);
    await supervisor.stop(200);
    expect(lines()).toContain('stubborn | not stopping');
  });

  it('colors the prefixes on a terminal', async () => {
    const out = new PassThrough();
    const lines = collect(out);
    const supervisor = new Supervisor([standIn('infra1', PATIENT)], out, { color: true, onAllExited: () => {} });
    supervisor.start();
    await until('the first line', () => lines().length > 0, lines);
    await supervisor.stop();
    expect(lines()).toContain('\x1b[36minfra1 | \x1b[0mhello');
  });
});
