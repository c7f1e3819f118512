// The api against a store-backed member through fastify's inject: what a real etcd answers
// where the corpus cannot reach (a failing member, a follower, membership changes, limits).
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { formatId } from '../../src/server/ids.js';
import { MembershipError } from '../../src/server/member-service.js';
import type { MemberService } from '../../src/server/member-service.js';
import { EtcdError, ErrorCode } from '../../src/store/types.js';
import { SELF, StoreMember } from './support/store-member.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app with etcd's body limit unless told less. */
function start(service: MemberService, maxBodyBytes?: number, version = '3.4.23'): FastifyInstance {
  app = buildApp(service, { version, ...(maxBodyBytes !== undefined && { maxBodyBytes }) });
  return app;
}

describe('keys', () => {
  it('passes the member a V2Request stamped with the clock at the edge', async () => {
    const member = new StoreMember();
    const before = Date.now();
    await start(member).inject({ method: 'PUT', url: '/v2/keys/a/b?ttl=30', headers: FORM, payload: 'value=x' });
    expect(member.lastRequest).toEqual({ method: 'PUT', path: '/a/b', time: expect.any(Number), val: 'x', ttl: 30 });
    expect(member.lastRequest!.time).toBeGreaterThanOrEqual(before);
    expect(member.lastRequest!.time).toBeLessThanOrEqual(Date.now());
  });

  it('answers a timed-out write as etcd: 500, error 300 with the cause, index 0, no Raft headers', async () => {
    const member = new StoreMember();
    member.failure = new EtcdError(ErrorCode.RaftInternal, 'etcdserver: request timed out');
    const res = await start(member).inject({ method: 'PUT', url: '/v2/keys/a', headers: FORM, payload: 'value=x' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out","index":0}\n');
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'x-etcd-index': '0', 'x-etcd-cluster-id': '70f9cf875eabdc0b' });
    expect(res.headers).not.toHaveProperty('x-raft-index');
  });

  it('turns any other failure into error 300 naming it, as etcd does', async () => {
    const member = new StoreMember();
    member.failure = new Error('proposal dropped');
    const res = await start(member).inject({ method: 'GET', url: '/v2/keys/a' });
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ errorCode: 300, message: 'Raft Internal Error', cause: 'proposal dropped', index: 0 });
  });

  it('takes a form up to Go\'s 10 MiB whatever --max-request-bytes says, and refuses a byte more, as etcd 3.4.23 does', async () => {
    const member = new StoreMember();
    const app = start(member);
    const form = (bytes: number): string => 'value=' + 'x'.repeat(bytes - 'value='.length);
    const largest = await app.inject({ method: 'PUT', url: '/v2/keys/big', headers: FORM, payload: form(10 << 20) });
    expect(largest.statusCode).toBe(201);
    expect(member.store.index).toBe(1);
    const over = await app.inject({ method: 'PUT', url: '/v2/keys/big', headers: FORM, payload: form((10 << 20) + 1) });
    expect(over.statusCode).toBe(400);
    expect(over.body).toBe('{"errorCode":210,"message":"Invalid POST form","cause":"http: POST too large","index":0}\n');
    expect(member.store.index).toBe(1);
  });

  it('refuses a form body over maxBodyBytes with 210 "http: POST too large" and closes the connection', async () => {
    const member = new StoreMember();
    const res = await start(member, 16).inject({ method: 'PUT', url: '/v2/keys/a', headers: FORM, payload: `value=${'x'.repeat(20)}` });
    expect(res.statusCode).toBe(400);
    expect(res.body).toBe('{"errorCode":210,"message":"Invalid POST form","cause":"http: POST too large","index":0}\n');
    expect(res.headers.connection).toBe('close');
    expect(member.store.index).toBe(0);
  });

  it('sends raftkv ids as etcd prints them: without leading zeros', async () => {
    const member = new StoreMember();
    Object.defineProperty(member, 'clusterId', { value: '00f9cf875eabdc0b' });
    const res = await start(member).inject({ method: 'GET', url: '/v2/keys/' });
    expect(res.headers['x-etcd-cluster-id']).toBe('f9cf875eabdc0b');
  });

  it('a request target Go cannot parse gets its bare 400 and no CORS headers', async () => {
    const res = await start(new StoreMember()).inject({ method: 'GET', url: '/v2/keys/%zz' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toBe('400 Bad Request');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });
});

describe('stats, health, version, machines and metrics', () => {
  it('a follower answers /v2/stats/leader with 403 "not current leader"', async () => {
    const member = new StoreMember();
    member.leader = '00000000000000bb';
    const res = await start(member).inject({ method: 'GET', url: '/v2/stats/leader' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toBe('{"message":"not current leader"}');
  });

  it('the leader answers /v2/stats/leader with its statistics, without a trailing newline', async () => {
    const res = await start(new StoreMember()).inject({ method: 'GET', url: '/v2/stats/leader' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"leader":"2943212f5e2cf73","followers":{}}');
  });

  it('/v2/stats/store is the store\'s counters', async () => {
    const member = new StoreMember();
    const api = start(member);
    await api.inject({ method: 'GET', url: '/v2/keys/missing' });
    const res = await api.inject({ method: 'GET', url: '/v2/stats/store' });
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toMatchObject({ getsSuccess: 0, getsFail: 1, watchers: 0 });
  });

  it('an unhealthy member answers /health 503 through Go\'s http.Error', async () => {
    const member = new StoreMember();
    member.isHealthy = false;
    const res = await start(member).inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toBe('{"health":"false"}\n');
    expect(res.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  });

  it('/version reports the given etcd version and its major.minor.0 as the cluster version', async () => {
    const res = await start(new StoreMember(), 1024, '3.5.17').inject({ method: 'GET', url: '/version' });
    expect(res.body).toBe('{"etcdserver":"3.5.17","etcdcluster":"3.5.0"}');
  });

  it('/v2/machines joins every member\'s client URLs, sorted, with ", "', async () => {
    const member = new StoreMember();
    member.memberList = [
      { ...SELF, clientURLs: ['http://10.0.0.2:2379', 'http://10.0.0.1:2379'] },
      { id: '0000000000000001', name: 'b', peerURLs: [], clientURLs: ['http://10.0.0.3:2379'] },
    ];
    const res = await start(member).inject({ method: 'GET', url: '/v2/machines' });
    expect(res.body).toBe('http://10.0.0.1:2379, http://10.0.0.2:2379, http://10.0.0.3:2379');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('/metrics is the member\'s Prometheus text, for any method', async () => {
    const res = await start(new StoreMember()).inject({ method: 'POST', url: '/metrics' });
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('etcd_server_has_leader 1');
  });

  it('/debug/vars is expvar JSON in name order, GET only, as etcd', async () => {
    const app = start(new StoreMember());
    const res = await app.inject({ method: 'GET', url: '/debug/vars' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const vars = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(vars)).toEqual(['cmdline', 'file_descriptor_limit', 'memstats', 'raft.status']);
    expect(vars['raft.status']).toEqual({ id: formatId(SELF.id), raftState: 'StateLeader' });
    expect(vars.memstats).toMatchObject({ rss: expect.any(Number), heapUsed: expect.any(Number) });
    expect(res.body.split('\n')[1]).toMatch(/^"cmdline": \[/);
    expect((await app.inject({ method: 'PUT', url: '/debug/vars' })).statusCode).toBe(405);
  });

  it('reports each /v2/keys request as etcd counts it: QGET for quorum reads, failures with their status, watches only received', async () => {
    const member = new StoreMember();
    const app = start(member);
    await app.inject({ method: 'PUT', url: '/v2/keys/a', payload: 'value=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await app.inject({ method: 'GET', url: '/v2/keys/a?quorum=true' });
    await app.inject({ method: 'GET', url: '/v2/keys/missing' });
    await app.inject({ method: 'GET', url: '/v2/keys/a?wait=true&waitIndex=1' });
    await app.inject({ method: 'GET', url: '/v2/keys/a?ttl=x' }); // not parsed: not counted
    expect(member.reported).toEqual([
      'received PUT', 'succeeded PUT', 'received QGET', 'succeeded QGET', 'received GET', 'failed GET 404', 'received GET',
    ]);
  });
});

describe('members', () => {
  it('lists members sorted by numeric id, ids without leading zeros, empty lists as []', async () => {
    const member = new StoreMember();
    member.memberList = [SELF, { id: '00000000000000ff', name: '', peerURLs: ['http://10.0.0.9:2380'], clientURLs: [] }];
    const res = await start(member).inject({ method: 'GET', url: '/v2/members' });
    expect(res.body).toBe(
      '{"members":[{"id":"ff","name":"","peerURLs":["http://10.0.0.9:2380"],"clientURLs":[]},' +
        '{"id":"2943212f5e2cf73","name":"infra0","peerURLs":["http://127.0.0.1:23802"],"clientURLs":["http://127.0.0.1:23792"]}]}\n',
    );
    expect(res.headers['x-etcd-cluster-id']).toBe('70f9cf875eabdc0b');
  });

  it('names the leader, or answers 503 "During election" when there is none', async () => {
    const member = new StoreMember();
    const api = start(member);
    expect((await api.inject({ method: 'GET', url: '/v2/members/leader' })).body).toBe(
      '{"id":"2943212f5e2cf73","name":"infra0","peerURLs":["http://127.0.0.1:23802"],"clientURLs":["http://127.0.0.1:23792"]}\n',
    );
    member.leader = undefined;
    const res = await api.inject({ method: 'GET', url: '/v2/members/leader' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toBe('{"message":"During election"}');
  });

  it('adds a member: 201 with the new member, peer URLs sorted', async () => {
    const member = new StoreMember();
    const res = await start(member).inject({ method: 'POST', url: '/v2/members', headers: JSON_TYPE, payload: '{"peerURLs":["http://10.0.0.9:2380","http://10.0.0.8:2380"]}' });
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe('{"id":"a1","name":"","peerURLs":["http://10.0.0.8:2380","http://10.0.0.9:2380"],"clientURLs":[]}\n');
  });

  it('refuses a peer URL in use with 409', async () => {
    const res = await start(new StoreMember()).inject({ method: 'POST', url: '/v2/members', headers: JSON_TYPE, payload: '{"peerURLs":["http://127.0.0.1:23802"]}' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toBe('{"message":"membership: peerURL exists"}');
  });

  it('removes a member by an id in any hex form: 204, and 404 for one it does not know', async () => {
    const member = new StoreMember();
    const api = start(member);
    const res = await api.inject({ method: 'DELETE', url: '/v2/members/2943212F5E2CF73' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(member.memberList).toEqual([]);
    const again = await api.inject({ method: 'DELETE', url: '/v2/members/02943212f5e2cf73' });
    expect(again.statusCode).toBe(404);
    expect(again.body).toBe('{"message":"No such member: 2943212f5e2cf73"}');
  });

  it('answers a removed member with 410 and an update of an unknown one with 404', async () => {
    const member = new StoreMember();
    member.removeMember = async () => {
      throw new MembershipError('removed');
    };
    const api = start(member);
    expect((await api.inject({ method: 'DELETE', url: '/v2/members/ab' })).body).toBe('{"message":"Member permanently removed: ab"}');
    const res = await api.inject({ method: 'PUT', url: '/v2/members/ab', headers: JSON_TYPE, payload: '{"peerURLs":["http://10.0.0.9:2380"]}' });
    expect(res.statusCode).toBe(404);
  });

  it('updates a member\'s peer URLs: 204', async () => {
    const member = new StoreMember();
    const res = await start(member).inject({ method: 'PUT', url: '/v2/members/2943212f5e2cf73', headers: JSON_TYPE, payload: '{"peerURLs":["http://10.0.0.5:2380"]}' });
    expect(res.statusCode).toBe(204);
    expect(member.memberList[0]!.peerURLs).toEqual(['http://10.0.0.5:2380']);
  });

  it('answers 500 when the member cannot change the membership', async () => {
    const member: MemberService = new StoreMember();
    member.addMember = undefined;
    const res = await start(member).inject({ method: 'POST', url: '/v2/members', headers: JSON_TYPE, payload: '{"peerURLs":["http://10.0.0.9:2380"]}' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('{"message":"Internal Server Error"}');
  });
});
