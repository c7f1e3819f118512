// Start-up as etcd 3.4 orders it, with real raftkv processes: a member serves clients only once
// its own attributes are published, so its first /v2/members answer already lists its client
// URLs (etcdctl syncs its endpoints from there first), and one without a quorum serves none.
// And the store index counts membership as etcd's does: every expected index below is what
// X-Etcd-Index said on etcd 3.4.23 (--enable-v2) after the same steps.
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { sleep, waitFor } from '../../bench/harness/wait.js';
import { waitForWatchers } from '../clients/support/cluster-state.js';
import { Etcdctl } from '../clients/support/etcdctl.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { v2 } from '../support/http.js';

interface Listed {
  id: string;
  name: string;
  clientURLs: string[];
}

let cluster: ProcessCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** Polls member i's /v2/members from the first moment its port accepts; every answer it gets, until `until` holds. */
async function membersAnswers(c: ProcessCluster, i: number, until: () => boolean): Promise<Listed[][]> {
  const answers: Listed[][] = [];
  await waitFor(`${c.members[i]!.name} to answer /v2/members`, async () => {
    const res = await fetch(`${c.url(i)}/v2/members`).catch(() => undefined);
    if (res) answers.push(((await res.json()) as { members: Listed[] }).members);
    return until() && answers.length > 0;
  }, CLUSTER_WAIT_MS, c.recentOutput);
  return answers;
}

/** X-Etcd-Index of a `set foo bar` through member i. */
async function setIndex(c: ProcessCluster, i = 0): Promise<number> {
  const res = await v2(c.url(i), 'PUT', '/foo', { value: 'bar' });
  expect(res.status).toBeLessThan(300);
  return Number(res.headers.get('x-etcd-index'));
}

describe('readiness, as etcd orders it', { timeout: CLUSTER_TEST_MS }, () => {
  it('a member alone serves no client; with its quorum, its first /v2/members answer lists its client URL', async () => {
    const c = (cluster = await ProcessCluster.create({ size: 3 }));
    c.spawn(0);
    // Six election timeouts without a quorum: etcd never publishes, so it never serves.
    await sleep(3000);
    await expect(fetch(`${c.url(0)}/v2/members`)).rejects.toThrow();
    expect(c.logs(0)).not.toMatch(/ready to serve client requests/);

    c.spawn(1);
    c.spawn(2);
    const answers = await Promise.all([0, 1, 2].map((i) => membersAnswers(c, i, () => true)));
    answers.forEach((first, i) => {
      const self = first[0]!.find((m) => m.name === c.members[i]!.name);
      expect(self?.clientURLs, `${c.members[i]!.name}'s own entry in its first answer`).toEqual([c.url(i)]);
    });
    for (let i = 0; i < 3; i++) {
      // The line comes once the listeners are open; the output pipe may deliver it a moment after an answer.
      await waitFor(`${c.members[i]!.name} to say it is ready`, () => c.logs(i).includes('ready to serve client requests'), CLUSTER_WAIT_MS, c.recentOutput);
      const logs = c.logs(i);
      const published = new RegExp(`published \\{Name:m${i + 1} ClientURLs:\\[${c.url(i)}\\]\\} to cluster [0-9a-f]+"`).exec(logs);
      expect(published, logs.slice(-2000)).not.toBeNull();
      expect(logs.indexOf('ready to serve client requests')).toBeGreaterThan(published!.index);
    }
  });
});

describe('the store index counts membership, as etcd', { timeout: CLUSTER_TEST_MS }, () => {
  it('fresh single member: first set at 4; a restart publishes again', async () => {
    const c = (cluster = await ProcessCluster.start({ size: 1 }));
    expect(await setIndex(c)).toBe(4);
    await c.restart(0);
    expect(await setIndex(c)).toBe(6);
  });

  it("fresh three members: etcd's TestCtlV2Watch (watch --after-index=1 foo fires on set foo bar), then add, publish, update, remove", async () => {
    const c = (cluster = await ProcessCluster.start({ size: 3 }));
    const ctl = new Etcdctl(c.clientUrls());
    const watch = ctl.start('watch', '--after-index=1', 'foo');
    await waitForWatchers(c, 1);
    expect(await ctl.run('set', 'foo', 'bar')).toEqual({ code: 0, stdout: 'bar\n', stderr: '' });
    await waitFor('the watch from index 1 to fire', () => watch.stdout() === 'bar\n', CLUSTER_WAIT_MS, () => `watch printed ${JSON.stringify(watch.stdout())} ${JSON.stringify(watch.stderr())}`);
    expect(await watch.exited).toEqual({ code: 0, stdout: 'bar\n', stderr: '' });
    // etcdctl may have set it through another member: a quorum read sees it wherever it landed.
    expect((await v2(c.url(0), 'GET', '/foo', { quorum: true })).body.node.modifiedIndex).toBe(8);

    const slot = await c.newSlot();
    const fresh = c.members[slot]!;
    let added: Response | undefined;
    // --strict-reconfig-check refuses an add until every voter has been connected for 5 s.
    await waitFor('member add to be accepted', async () => {
      added = await fetch(`${c.url(0)}/v2/members`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ peerURLs: [fresh.peerUrl] }) });
      return added.status !== 500;
    }, CLUSTER_WAIT_MS, c.recentOutput);
    expect(added!.status).toBe(201);
    const { id } = (await added!.json()) as { id: string };
    expect(await setIndex(c)).toBe(10);

    fresh.joinCluster = [...c.members.slice(0, 3).map((m) => `${m.name}=${m.peerUrl}`), `${fresh.name}=${fresh.peerUrl}`].join(',');
    c.spawn(slot);
    await membersAnswers(c, slot, () => true);
    expect(await setIndex(c)).toBe(12);

    const update = await fetch(`${c.url(0)}/v2/members/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ peerURLs: [fresh.peerUrl] }) });
    expect(update.status).toBe(204);
    expect(await setIndex(c)).toBe(14);

    expect((await fetch(`${c.url(0)}/v2/members/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await setIndex(c)).toBe(17);
  });
});
