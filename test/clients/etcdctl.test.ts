// The real etcdctl 3.4 (ETCDCTL_API=2) against three real raftkv processes, doing what CoreOS
// units and operators do. Every expected output below is what the same command prints against
// a real `etcd --enable-v2`, with that cluster's indexes.
import { beforeAll, describe, expect, it } from 'vitest';
import { getJSON } from '../../bench/harness/get-json.js';
import { CLUSTER_WAIT_MS, ProcessCluster } from '../../bench/harness/process-cluster.js';
import { waitFor } from '../../bench/harness/wait.js';
import { CLUSTER_TEST_MS } from '../support/budgets.js';
import { useCluster } from '../support/cluster-fixture.js';
import { v2 } from '../support/http.js';
import { Etcdctl } from './support/etcdctl.js';
import type { Running } from './support/processes.js';
import { settledIndex, waitForNoWatchers, waitForWatchers } from './support/cluster-state.js';

describe('etcdctl (v2) against a three-member raftkv cluster', { timeout: CLUSTER_TEST_MS }, () => {
  let cluster!: ProcessCluster;
  let ctl: Etcdctl;
  useCluster({ size: 3 }, (started) => {
    cluster = started;
    ctl = new Etcdctl(cluster.members.map((m) => m.clientUrl));
  }, { noCrashes: true });

  async function node(key: string): Promise<any> {
    return (await v2(cluster.url(0), 'GET', key, { quorum: true })).body.node;
  }

  /** Starts `etcdctl <args>` that waits on the cluster, and returns once its watch is registered. */
  async function watching(...args: string[]): Promise<Running> {
    await waitForNoWatchers(cluster);
    const child = ctl.start(...args);
    await waitForWatchers(cluster, 1);
    return child;
  }

  describe('writes and reads', () => {
    it('set --ttl prints the value and makes a key with that TTL', async () => {
      const set = await ctl.run('set', '--ttl', '600', '/units/web', 'hello');
      expect(set).toEqual({ code: 0, stdout: 'hello\n', stderr: '' });
      const n = await node('/units/web');
      expect(n.value).toBe('hello');
      expect(n.ttl).toBeGreaterThanOrEqual(599);
      expect(n.ttl).toBeLessThanOrEqual(600);
    });

    it('get prints the bare value', async () => {
      await v2(cluster.url(1), 'PUT', '/units/plain', { value: 'v1' });
      expect(await ctl.run('get', '/units/plain')).toEqual({ code: 0, stdout: 'v1\n', stderr: '' });
    });

    it('-o extended prints the Key / Created-Index / Modified-Index / TTL / Index block', async () => {
      await v2(cluster.url(0), 'PUT', '/units/ext', { value: 'e1' });
      const put = await v2(cluster.url(2), 'PUT', '/units/ext', { value: 'e2', prevValue: 'e1' });
      const index = await settledIndex(cluster);
      const { createdIndex, modifiedIndex } = put.body.node;
      expect(createdIndex).toBeLessThan(modifiedIndex);
      expect(await ctl.run('-o', 'extended', 'get', '/units/ext')).toEqual({
        code: 0,
        stdout: `Key: /units/ext\nCreated-Index: ${createdIndex}\nModified-Index: ${modifiedIndex}\nTTL: 0\nIndex: ${index}\n\ne2\n`,
        stderr: '',
      });
    });

    it('-o extended on set shows the new node and the index it was written at', async () => {
      const before = await settledIndex(cluster);
      const out = await ctl.run('-o', 'extended', 'set', '/units/ext2', 'x');
      const i = before + 1;
      expect(out).toEqual({ code: 0, stdout: `Key: /units/ext2\nCreated-Index: ${i}\nModified-Index: ${i}\nTTL: 0\nIndex: ${i}\n\nx\n`, stderr: '' });
    });

    it('-o json prints the response as etcdctl marshals it (nodes:null, prevNode:null)', async () => {
      const put = await v2(cluster.url(0), 'PUT', '/units/json', { value: 'j' });
      await settledIndex(cluster);
      const i = put.body.node.modifiedIndex;
      expect(await ctl.run('-o', 'json', 'get', '/units/json')).toEqual({
        code: 0,
        stdout: `{"action":"get","node":{"key":"/units/json","value":"j","nodes":null,"createdIndex":${i},"modifiedIndex":${i}},"prevNode":null}\n`,
        stderr: '',
      });
    });

    it('"update --ttl … || set --ttl …" creates the key the first time and refreshes it in place after', async () => {
      const script = '$ETCDCTL update --ttl 300 /units/sidekick up || $ETCDCTL set --ttl 300 /units/sidekick up';
      const before = await settledIndex(cluster);
      const first = await ctl.sh(script);
      expect(first).toEqual({ code: 0, stdout: 'up\n', stderr: `Error:  100: Key not found (/units/sidekick) [${before}]\n` });
      const created = await node('/units/sidekick');
      expect(created).toMatchObject({ value: 'up', ttl: 300, createdIndex: before + 1 });

      const second = await ctl.sh(script);
      expect(second).toEqual({ code: 0, stdout: 'up\n', stderr: '' });
      const updated = await node('/units/sidekick');
      expect(updated).toMatchObject({ value: 'up', createdIndex: created.createdIndex, modifiedIndex: before + 2 });
      expect(updated.ttl).toBeGreaterThanOrEqual(299);
    });

    it("keys with ' ', '?', '#' and '%' and values with unicode, HTML and newlines round-trip, escaped as Go does", async () => {
      for (const [key, value] of [['/odd/sp ace', 'héllo ✓ <b>&'], ['/odd/q?x=1#f', 'a\nb'], ['/odd/pct%41', 'v']]) {
        expect(await ctl.run('set', key!, value!)).toEqual({ code: 0, stdout: `${value}\n`, stderr: '' });
      }
      expect(await ctl.run('ls', '--sort', '/odd')).toEqual({ code: 0, stdout: '/odd/pct%41\n/odd/q?x=1#f\n/odd/sp ace\n', stderr: '' });
      const i = (await node('/odd/sp ace')).modifiedIndex;
      await settledIndex(cluster);
      expect((await ctl.run('-o', 'json', 'get', '/odd/sp ace')).stdout).toBe(
        `{"action":"get","node":{"key":"/odd/sp ace","value":"héllo ✓ \\u003cb\\u003e\\u0026","nodes":null,"createdIndex":${i},"modifiedIndex":${i}},"prevNode":null}\n`,
      );
    });

    it('a key set with --ttl 1 is gone once the leader expires it', async () => {
      expect((await ctl.run('set', '--ttl', '1', '/units/short', 's')).code).toBe(0);
      // A quorum read: a plain one on a member that has not applied the set yet would say 404 at once.
      await waitFor('/units/short to expire', async () => (await v2(cluster.url(0), 'GET', '/units/short', { quorum: true })).status === 404, CLUSTER_WAIT_MS, cluster.recentOutput);
      const index = await settledIndex(cluster);
      expect(await ctl.run('get', '/units/short')).toEqual({ code: 4, stdout: '', stderr: `Error:  100: Key not found (/units/short) [${index}]\n` });
    });
  });

  describe('mk and mkdir', () => {
    it('mk creates a key and prints its value', async () => {
      expect(await ctl.run('mk', '/k', 'v1')).toEqual({ code: 0, stdout: 'v1\n', stderr: '' });
      expect((await node('/k')).value).toBe('v1');
    });

    it("etcdctl mk on an existing key exits 4 and prints etcd's error line", async () => {
      const out = await ctl.run('mk', '/k', 'v2');
      const index = await settledIndex(cluster);
      expect(out).toEqual({ code: 4, stdout: '', stderr: `Error:  105: Key already exists (/k) [${index}]\n` });
      expect((await node('/k')).value).toBe('v1');
    });

    it('mkdir makes a directory silently; mkdir on it again exits 4 with 105', async () => {
      expect(await ctl.run('mkdir', '/dirs/made')).toEqual({ code: 0, stdout: '', stderr: '' });
      expect((await node('/dirs/made')).dir).toBe(true);
      const again = await ctl.run('mkdir', '/dirs/made');
      const index = await settledIndex(cluster);
      expect(again).toEqual({ code: 4, stdout: '', stderr: `Error:  105: Key already exists (/dirs/made) [${index}]\n` });
    });
  });

  describe('exit codes on failures', () => {
    it('get of a missing key exits 4 and names the first missing path component', async () => {
      const index = await settledIndex(cluster);
      expect(await ctl.run('get', '/nope')).toEqual({ code: 4, stdout: '', stderr: `Error:  100: Key not found (/nope) [${index}]\n` });
      expect(await ctl.run('get', '/nope/deeper/still')).toEqual({ code: 4, stdout: '', stderr: `Error:  100: Key not found (/nope) [${index}]\n` });
    });

    it('get of a directory exits 1 with "<key>: is a directory"', async () => {
      expect(await ctl.run('get', '/dirs/made')).toEqual({ code: 1, stdout: '', stderr: '/dirs/made: is a directory\n' });
    });

    it('API errors keep their one-line form even with -o json', async () => {
      const index = await settledIndex(cluster);
      expect(await ctl.run('-o', 'json', 'get', '/nope')).toEqual({ code: 4, stdout: '', stderr: `Error:  100: Key not found (/nope) [${index}]\n` });
    });
  });

  describe('ls, rm, rmdir', () => {
    beforeAll(async () => {
      for (const [key, value] of [['/tree/e/f', '1'], ['/tree/g', '2']]) await v2(cluster.url(0), 'PUT', key!, { value: value! });
      await v2(cluster.url(0), 'PUT', '/tree/h', { dir: true });
      await settledIndex(cluster);
    });

    it('ls --recursive lists every key under the directory, depth first', async () => {
      expect(await ctl.run('ls', '--sort', '--recursive', '/tree')).toEqual({ code: 0, stdout: '/tree/e\n/tree/e/f\n/tree/g\n/tree/h\n', stderr: '' });
    });

    it('ls -p marks directories with a trailing slash', async () => {
      expect(await ctl.run('ls', '--sort', '-p', '/tree')).toEqual({ code: 0, stdout: '/tree/e/\n/tree/g\n/tree/h/\n', stderr: '' });
      const unsorted = await ctl.run('ls', '-p', '--recursive', '/tree');
      expect(unsorted.code).toBe(0);
      expect(unsorted.stdout.split('\n').filter(Boolean).sort()).toEqual(['/tree/e/', '/tree/e/f', '/tree/g', '/tree/h/']);
    });

    it('ls -o extended describes the directory itself, then its empty value', async () => {
      const dir = await node('/tree');
      const index = await settledIndex(cluster);
      expect(await ctl.run('-o', 'extended', 'ls', '/tree')).toEqual({
        code: 0,
        stdout: `Key: /tree\nCreated-Index: ${dir.createdIndex}\nModified-Index: ${dir.modifiedIndex}\nTTL: 0\nIndex: ${index}\n\n\n`,
        stderr: '',
      });
    });

    it('rm prints the previous value; rm again exits 4 with 100', async () => {
      expect(await ctl.run('rm', '/tree/g')).toEqual({ code: 0, stdout: 'PrevNode.Value: 2\n', stderr: '' });
      const index = await settledIndex(cluster);
      expect(await ctl.run('rm', '/tree/g')).toEqual({ code: 4, stdout: '', stderr: `Error:  100: Key not found (/tree/g) [${index}]\n` });
    });

    it('rm of a directory without --recursive exits 4 with 102 Not a file', async () => {
      const out = await ctl.run('rm', '/tree/e');
      const index = await settledIndex(cluster);
      expect(out).toEqual({ code: 4, stdout: '', stderr: `Error:  102: Not a file (/tree/e) [${index}]\n` });
    });

    it('rmdir removes an empty directory and refuses a full one with 108', async () => {
      expect(await ctl.run('rmdir', '/tree/h')).toEqual({ code: 0, stdout: '', stderr: '' });
      const out = await ctl.run('rmdir', '/tree/e');
      const index = await settledIndex(cluster);
      expect(out).toEqual({ code: 4, stdout: '', stderr: `Error:  108: Directory not empty (/tree/e) [${index}]\n` });
    });

    it('rm --recursive removes the whole tree', async () => {
      expect(await ctl.run('rm', '--recursive', '/tree')).toEqual({ code: 0, stdout: '', stderr: '' });
      expect((await v2(cluster.url(0), 'GET', '/tree/e/f', { quorum: true })).body).toMatchObject({ errorCode: 100, cause: '/tree' });
    });

    it('-o json rm prints the delete with its prevNode', async () => {
      const put = await v2(cluster.url(0), 'PUT', '/gone', { value: 'bye' });
      const c = put.body.node.createdIndex;
      expect(await ctl.run('-o', 'json', 'rm', '/gone')).toEqual({
        code: 0,
        stdout: `{"action":"delete","node":{"key":"/gone","value":"","nodes":null,"createdIndex":${c},"modifiedIndex":${c + 1}},"prevNode":{"key":"/gone","value":"bye","nodes":null,"createdIndex":${c},"modifiedIndex":${c}}}\n`,
        stderr: '',
      });
    });
  });

  describe('in-order keys and compare-and-delete', () => {
    it('mk --in-order makes zero-padded 20-digit keys that ls --sort lists in creation order', async () => {
      expect(await ctl.run('mk', '--in-order', '/queue', 'job1')).toEqual({ code: 0, stdout: 'job1\n', stderr: '' });
      const second = await ctl.run('-o', 'json', 'mk', '--in-order', '/queue', 'job2');
      const key: string = JSON.parse(second.stdout).node.key;
      const index = JSON.parse(second.stdout).node.modifiedIndex;
      expect(key).toBe(`/queue/${String(index).padStart(20, '0')}`);
      expect(await ctl.run('ls', '--sort', '/queue')).toEqual({ code: 0, stdout: `/queue/${String(index - 1).padStart(20, '0')}\n${key}\n`, stderr: '' });
    });

    it('rm --with-value and --with-index delete only on a match and exit 4 with 101 otherwise', async () => {
      const i = (await v2(cluster.url(0), 'PUT', '/cad', { value: 'v' })).body.node.modifiedIndex;
      expect(await ctl.run('rm', '--with-value', 'nope', '/cad')).toEqual({ code: 4, stdout: '', stderr: `Error:  101: Compare failed ([nope != v]) [${i}]\n` });
      expect(await ctl.run('rm', '--with-index', String(i - 1), '/cad')).toEqual({ code: 4, stdout: '', stderr: `Error:  101: Compare failed ([${i - 1} != ${i}]) [${i}]\n` });
      // A compareAndDelete prints the (empty) node value, not "PrevNode.Value:" as a plain delete does.
      expect(await ctl.run('rm', '--with-index', String(i), '/cad')).toEqual({ code: 0, stdout: '\n', stderr: '' });
      expect((await v2(cluster.url(0), 'GET', '/cad', { quorum: true })).status).toBe(404);
    });

    it('rm --recursive / exits 4 with 107 Root is read only', async () => {
      const index = await settledIndex(cluster);
      expect(await ctl.run('rm', '--recursive', '/')).toEqual({ code: 4, stdout: '', stderr: `Error:  107: Root is read only (/) [${index}]\n` });
    });
  });

  describe('compare-and-swap', () => {
    let created: number;
    beforeAll(async () => {
      created = (await v2(cluster.url(0), 'PUT', '/cas', { value: '1' })).body.node.createdIndex;
    });

    it('set --swap-with-value swaps when the value matches and exits 4 with 101 when not', async () => {
      expect(await ctl.run('set', '--swap-with-value', '1', '/cas', '2')).toEqual({ code: 0, stdout: '2\n', stderr: '' });
      const out = await ctl.run('set', '--swap-with-value', '1', '/cas', '3');
      expect(out).toEqual({ code: 4, stdout: '', stderr: `Error:  101: Compare failed ([1 != 2]) [${created + 1}]\n` });
      expect(await node('/cas')).toMatchObject({ value: '2', createdIndex: created, modifiedIndex: created + 1 });
    });

    it('set --swap-with-index swaps at the current modifiedIndex and exits 4 with 101 at a stale one', async () => {
      const stale = await ctl.run('set', '--swap-with-index', String(created), '/cas', '4');
      expect(stale).toEqual({ code: 4, stdout: '', stderr: `Error:  101: Compare failed ([${created} != ${created + 1}]) [${created + 1}]\n` });
      expect(await ctl.run('set', '--swap-with-index', String(created + 1), '/cas', '4')).toEqual({ code: 0, stdout: '4\n', stderr: '' });
      expect(await node('/cas')).toMatchObject({ value: '4', createdIndex: created, modifiedIndex: created + 2 });
    });

    it('a swap that misses on both value and index names both', async () => {
      const out = await ctl.run('set', '--swap-with-index', '1', '--swap-with-value', 'zz', '/cas', '5');
      expect(out).toEqual({ code: 4, stdout: '', stderr: `Error:  101: Compare failed ([zz != 4] [1 != ${created + 2}]) [${created + 2}]\n` });
    });

    it('a swap on a missing key exits 4 with 100', async () => {
      const out = await ctl.run('set', '--swap-with-value', '2', '/cas-missing', '4');
      const index = await settledIndex(cluster);
      expect(out).toEqual({ code: 4, stdout: '', stderr: `Error:  100: Key not found (/cas-missing) [${index}]\n` });
    });
  });

  describe('watches', () => {
    it('watch prints the value of the next change and exits 0', async () => {
      const watch = await watching('watch', '/w');
      await v2(cluster.url(1), 'PUT', '/w', { value: 'hello' });
      expect(await watch.exited).toEqual({ code: 0, stdout: 'hello\n', stderr: '' });
    });

    it('watch --recursive prints "[action] key" and the value for a change below the directory', async () => {
      const watch = await watching('watch', '--recursive', '/wd');
      await v2(cluster.url(2), 'PUT', '/wd/a/b', { value: 'hi' });
      expect(await watch.exited).toEqual({ code: 0, stdout: '[set] /wd/a/b\nhi\n', stderr: '' });
    });

    it('-o json watch prints the delete event with its prevNode', async () => {
      const c = (await node('/w')).createdIndex;
      const watch = await watching('-o', 'json', 'watch', '/w');
      const deleted = (await v2(cluster.url(0), 'DELETE', '/w')).body.node.modifiedIndex;
      expect(await watch.exited).toEqual({
        code: 0,
        stdout: `{"action":"delete","node":{"key":"/w","value":"","nodes":null,"createdIndex":${c},"modifiedIndex":${deleted}},"prevNode":{"key":"/w","value":"hello","nodes":null,"createdIndex":${c},"modifiedIndex":${c}}}\n`,
        stderr: '',
      });
    });

    it('watch --forever --recursive prints every change until it is stopped, expiries included', async () => {
      const watch = await watching('watch', '--forever', '--recursive', '/wf');
      try {
        await v2(cluster.url(0), 'PUT', '/wf/a', { value: '1' });
        await v2(cluster.url(1), 'DELETE', '/wf/a');
        await v2(cluster.url(2), 'PUT', '/wf/t', { value: 'x', ttl: 1 });
        const queued = (await v2(cluster.url(0), 'POST', '/wf/q', { value: 'job' })).body.node.key;
        const expected = `[set] /wf/a\n1\n[delete] /wf/a\nPrevNode.Value: 1\n[set] /wf/t\nx\n[create] ${queued}\njob\n[expire] /wf/t\n\n`;
        await waitFor('the expiry to be printed', async () => watch.stdout().length >= expected.length, CLUSTER_WAIT_MS, cluster.recentOutput);
        expect(watch.stdout()).toBe(expected);
      } finally {
        await watch.kill();
      }
    });

    it('watch --after-index answers from the event history', async () => {
      const first = (await v2(cluster.url(0), 'PUT', '/wh', { value: 'old' })).body.node.modifiedIndex;
      await v2(cluster.url(0), 'PUT', '/wh', { value: 'new' });
      expect(await ctl.run('watch', '--after-index', String(first - 1), '/wh')).toEqual({ code: 0, stdout: 'old\n', stderr: '' });
      expect(await ctl.run('watch', '--after-index', String(first), '/wh')).toEqual({ code: 0, stdout: 'new\n', stderr: '' });
    });

    it('exec-watch runs the command with ETCD_WATCH_* set, once per change', async () => {
      const report = 'echo "$ETCD_WATCH_ACTION $ETCD_WATCH_KEY $ETCD_WATCH_MODIFIED_INDEX $ETCD_WATCH_VALUE"';
      const exec = await watching('exec-watch', '--recursive', '/ew', '--', 'sh', '-c', report);
      try {
        const a = (await v2(cluster.url(0), 'PUT', '/ew/a', { value: 'v1' })).body.node.modifiedIndex;
        await waitFor('the first command run', async () => exec.stdout().split('\n').length > 1, CLUSTER_WAIT_MS, cluster.recentOutput);
        const b = (await v2(cluster.url(1), 'PUT', '/ew/b', { value: 'v2' })).body.node.modifiedIndex;
        // etcdctl starts each run as its event arrives: two close together may print in either order.
        await waitFor('the second command run', async () => exec.stdout().split('\n').length > 2, CLUSTER_WAIT_MS, cluster.recentOutput);
        const c = (await v2(cluster.url(2), 'DELETE', '/ew/a')).body.node.modifiedIndex;
        await waitFor('three command runs', async () => exec.stdout().split('\n').length > 3, CLUSTER_WAIT_MS, cluster.recentOutput);
        expect(exec.stdout()).toBe(`set /ew/a ${a} v1\nset /ew/b ${b} v2\ndelete /ew/a ${c} \n`);
        expect(exec.stderr()).toBe('');
      } finally {
        await exec.kill();
      }
    });
  });

  describe('members and health', () => {
    async function members(): Promise<{ id: string; name: string; peerURLs: string[]; clientURLs: string[] }[]> {
      const live = cluster.members.findIndex((_, i) => cluster.isRunning(i));
      return (await getJSON(`${cluster.url(live)}/v2/members`)).members;
    }

    it('member list prints every member and marks the leader', async () => {
      const leader = await cluster.waitForLeader();
      const leaderName = cluster.members[leader]!.name;
      const list = await members();
      expect(list.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
      const expected = list.map((m) => `${m.id}: name=${m.name} peerURLs=${m.peerURLs.join(',')} clientURLs=${m.clientURLs.join(',')} isLeader=${m.name === leaderName}\n`).join('');
      expect(await ctl.run('member', 'list')).toEqual({ code: 0, stdout: expected, stderr: '' });
    });

    it('cluster-health reports every member healthy', async () => {
      const expected = (await members()).map((m) => `member ${m.id} is healthy: got healthy result from ${m.clientURLs[0]}\n`).join('');
      expect(await ctl.run('cluster-health')).toEqual({ code: 0, stdout: `${expected}cluster is healthy\n`, stderr: '' });
    });

    it('cluster-health with a follower killed reports it unreachable, the cluster degraded, and exits 5', async () => {
      const leader = await cluster.waitForLeader();
      const down = (leader + 1) % 3;
      const downUrl = cluster.url(down);
      await cluster.kill(down);
      try {
        const port = new URL(downUrl).port;
        const expected = (await members())
          .map((m) =>
            m.clientURLs[0] === downUrl
              ? `failed to check the health of member ${m.id} on ${downUrl}: Get "${downUrl}/health": dial tcp 127.0.0.1:${port}: connect: connection refused\nmember ${m.id} is unreachable: [${downUrl}] are all unreachable\n`
              : `member ${m.id} is healthy: got healthy result from ${m.clientURLs[0]}\n`,
          )
          .join('');
        expect(await ctl.run('cluster-health')).toEqual({ code: 5, stdout: `${expected}cluster is degraded\n`, stderr: '' });
        expect(await ctl.run('get', '/k')).toEqual({ code: 0, stdout: 'v1\n', stderr: '' });
      } finally {
        await cluster.restart(down);
      }
      expect((await ctl.run('cluster-health')).stdout).toMatch(/cluster is healthy\n$/);
    });
  });
});
