// `npm start` for real: three raftkv members on etcd's Procfile ports, stopped with Ctrl-C,
// started again on the same data.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getJSON } from '../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';

const LOCAL_CLUSTER = resolve(import.meta.dirname, '../../dist/bin/local-cluster.js');
const CLIENTS = ['http://127.0.0.1:2379', 'http://127.0.0.1:22379', 'http://127.0.0.1:32379'];

interface Running {
  proc: ChildProcess;
  output: string[];
}

function startLocalCluster(cwd: string): Running {
  const proc = spawn(process.execPath, [LOCAL_CLUSTER], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  proc.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
  proc.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
  return { proc, output };
}

/** The last lines `npm start` printed (every member's output, prefixed with its name). */
const tail = (run: Running) => (): string => `last output:\n${run.output.join('').trimEnd().split('\n').slice(-30).join('\n')}`;

async function leaderOnEveryMember(run: Running): Promise<void> {
  await waitFor('the local cluster to elect a leader', async () => {
    const leaders = await Promise.all(CLIENTS.map(async (url) => (await getJSON(`${url}/v2/stats/self`))?.leaderInfo?.leader));
    return leaders.every((l) => l && l === leaders[0]);
  }, CLUSTER_WAIT_MS, tail(run));
}

async function interrupt(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGINT');
  return exited;
}

describe('npm start', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'raftkv-npm-start-'));
  let running: ChildProcess | undefined;
  afterAll(() => {
    running?.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it("runs three members on etcd's client ports, stops them all on Ctrl-C, and reuses their data when run again", async () => {
    const first = startLocalCluster(cwd);
    running = first.proc;
    await leaderOnEveryMember(first);
    expect((await v2(CLIENTS[1]!, 'PUT', '/npm-start/kept', { value: 'across restarts' })).status).toBe(201);
    await waitFor('infra3 to apply the write', async () => (await v2(CLIENTS[2]!, 'GET', '/npm-start/kept')).status === 200, CLUSTER_WAIT_MS, tail(first));
    const members = (await getJSON(`${CLIENTS[0]}/v2/members`)).members.map((m: { name: string }) => m.name).sort();
    expect(members).toEqual(['infra1', 'infra2', 'infra3']);
    expect(first.output.join('')).toMatch(/^infra2 \| /m);

    expect(await interrupt(first.proc)).toBe(0);
    for (const url of CLIENTS) expect(await getJSON(`${url}/health`)).toBeUndefined();

    const second = startLocalCluster(cwd);
    running = second.proc;
    await leaderOnEveryMember(second);
    expect((await v2(CLIENTS[0]!, 'GET', '/npm-start/kept')).body.node.value).toBe('across restarts');
    expect(await interrupt(second.proc)).toBe(0);
    running = undefined;
  }, CLUSTER_TEST_MS);
});
