// The raftkv binary's log lines going where --log-outputs sends them: a file (appended to, and
// nothing on stdout), stderr (etcd's default), several outputs at once each getting every line;
// and etcd's start-up lines with their fields, the ids among them the ones /v2/members reports.
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../bench/harness/free-ports.js';
import { CLUSTER_WAIT_MS, RAFTKV_BIN } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { RAFTKV_VERSION } from '../../src/server/version.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { spawnedMembers } from '../support/spawned-members.js';

const root = mkdtempSync(join(tmpdir(), 'raftkv-log-outputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spawnMember = spawnedMembers();

interface Run {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  clientUrl: string;
  dataDir: string;
}

async function start(name: string, logFlags: string[]): Promise<Run> {
  const [peer, client] = await freePorts(2);
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const dataDir = join(root, name);
  const flags = [
    '--name', name, '--data-dir', dataDir,
    '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `${name}=${peerUrl}`,
    '--heartbeat-interval', '50', '--election-timeout', '500', ...logFlags,
  ];
  const { proc, stdout, stderr } = spawnMember(flags);
  return { proc, stdout, stderr, clientUrl, dataDir };
}

const SERVING = 'now serving peer/client/metrics';

async function servingIn(run: Run, text: () => string): Promise<void> {
  await waitFor(`"${SERVING}"`, async () => text().includes(SERVING), CLUSTER_WAIT_MS, () => `stdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`);
}

async function stop(run: Run): Promise<number | null> {
  const exit = new Promise<number | null>((resolve) => run.proc.once('exit', resolve));
  run.proc.kill('SIGTERM');
  return exit;
}

/** The JSON lines of `text`, by message. */
function linesOf(text: string): Map<string, Record<string, unknown>> {
  const lines = text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return new Map(lines.map((l) => [String(l.msg), l]));
}

describe('--log-outputs', { timeout: CLUSTER_TEST_MS }, () => {
  it('a file gets every line, appended after what it held, and stdout and stderr none', async () => {
    const file = join(root, 'member.log');
    writeFileSync(file, 'kept from before\n');
    const run = await start('tofile', ['--logger=zap', `--log-outputs=${file}`]);
    await servingIn(run, () => readFileSync(file, 'utf8'));
    expect(await stop(run)).toBe(0);

    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('kept from before\n')).toBe(true);
    const lines = linesOf(text);
    expect(lines.get('stopped')).toMatchObject({ level: 'info', member: 'tofile' });
    expect(lines.get(SERVING)?.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toBe('');
  });

  it("goes to stderr by default, as etcd's does, and to stdout when asked", async () => {
    const byDefault = await start('default-output', []);
    await servingIn(byDefault, byDefault.stderr);
    expect(byDefault.stdout()).toBe('');

    const toStdout = await start('stdout-output', ['--log-outputs=stdout']);
    await servingIn(toStdout, toStdout.stdout);
    expect(toStdout.stderr()).toBe('');
  });

  it('several outputs each get every line', async () => {
    const file = join(root, 'several.log');
    const run = await start('several', ['--logger=zap', `--log-outputs=stdout,stderr,${file}`]);
    await servingIn(run, () => (existsSync(file) ? readFileSync(file, 'utf8') : ''));
    expect(await stop(run)).toBe(0);
    const messages = (text: string): string[] => [...linesOf(text).keys()];
    expect(messages(run.stdout())).toContain(SERVING);
    expect(messages(run.stdout())).toEqual(messages(run.stderr()));
    expect(messages(run.stdout())).toEqual(messages(readFileSync(file, 'utf8')));
  });

  it('a file that cannot be opened stops the start, before the data dir is made', async () => {
    const dataDir = join(root, 'never');
    const run = spawnSync(process.execPath, [RAFTKV_BIN, '--logger=zap', '--log-outputs=/nonexistent/dir/x.log', '--data-dir', dataDir], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('open sink "/nonexistent/dir/x.log": open /nonexistent/dir/x.log: no such file or directory');
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe("etcd's start-up lines", { timeout: CLUSTER_TEST_MS }, () => {
  it('name the versions, the member, its ids, its data dir and its URLs', async () => {
    const run = await start('startup', ['--logger=zap']);
    await servingIn(run, run.stderr);
    const lines = linesOf(run.stderr());
    const self = ((await (await fetch(`${run.clientUrl}/v2/members`)).json()) as { members: { id: string }[] }).members[0]!;
    const clusterId = (await fetch(`${run.clientUrl}/v2/members`)).headers.get('x-etcd-cluster-id');

    expect(lines.get('starting an etcd server')).toMatchObject({
      'etcd-version': '3.4.23',
      'raftkv-version': RAFTKV_VERSION,
      'node-version': process.version,
      'member-initialized': false,
      name: 'startup',
      'data-dir': run.dataDir,
      'heartbeat-interval': '50ms',
      'election-timeout': '500ms',
      'listen-client-urls': [run.clientUrl],
      'advertise-client-urls': [run.clientUrl],
      'initial-cluster-state': 'new',
    });
    expect(lines.get('starting local member')).toMatchObject({ 'local-member-id': self.id, 'cluster-id': clusterId });
    expect(lines.get(SERVING)).toMatchObject({ 'local-member-id': self.id, 'listen-client-urls': [run.clientUrl] });

    expect(await stop(run)).toBe(0);
    const again = await start('startup', ['--logger=zap']);
    await servingIn(again, again.stderr);
    expect(linesOf(again.stderr()).get('starting an etcd server')).toMatchObject({ 'member-initialized': true });
    expect(linesOf(again.stderr()).get('restarting local member')).toMatchObject({ 'local-member-id': self.id, 'cluster-id': clusterId });
  });
});
