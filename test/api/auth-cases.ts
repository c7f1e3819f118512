// A corpus for v2 auth: requests in order, from a fresh store, with the answers real etcd 3.4.23
// (--enable-v2) gave, recorded by record-etcd-cases.ts into auth-cases.expected.json. It walks
// users, roles, grants and revokes, enabling auth, key access by user and by guest, the open and
// the root-only endpoints, and disabling again. Normalized indexes ({{idx:K}}) pin how auth's
// writes move the store index: etcd's first auth write also creates /2, /2/users, /2/roles and
// /2/enabled.
import { loadCases } from './etcd-case.js';
import type { CaseRequest, EtcdCase } from './etcd-case.js';

const FORM = 'application/x-www-form-urlencoded';

type Who = [user: string, password: string] | { raw: string } | undefined;

function headersOf(who: Who): CaseRequest['headers'] {
  if (who === undefined) return undefined;
  const value = Array.isArray(who) ? `Basic ${Buffer.from(`${who[0]}:${who[1]}`).toString('base64')}` : who.raw;
  return [['Authorization', value]];
}

function req(name: string, method: string, target: string, who?: Who, body?: string, contentType?: string): CaseRequest {
  const c: CaseRequest = { name, method, target };
  const headers = headersOf(who);
  if (headers !== undefined) c.headers = headers;
  if (body !== undefined) c.body = body;
  if (contentType !== undefined) c.contentType = contentType;
  return c;
}

const ROOT: Who = ['root', 'pw'];
const ALICE: Who = ['alice', 'apw'];
const get = (name: string, target: string, who?: Who): CaseRequest => req(name, 'GET', target, who);
const put = (name: string, target: string, body: string, who?: Who): CaseRequest => req(name, 'PUT', target, who, body);
const del = (name: string, target: string, who?: Who): CaseRequest => req(name, 'DELETE', target, who);
const setKey = (name: string, key: string, value: string, who?: Who): CaseRequest => req(name, 'PUT', `/v2/keys${key}`, who, `value=${value}`, FORM);
const open = (name: string, target: string, method = 'GET'): CaseRequest => ({ ...req(name, method, target), ignoreBody: true });

export const authCaseRequests: CaseRequest[] = [
  // ---- auth off: the API answers anyone ----
  get('auth starts disabled', '/v2/auth/enable'),
  get('no users: the list is null', '/v2/auth/users'),
  get('the root role is always there', '/v2/auth/roles'),
  put('enabling without a root user is refused 409', '/v2/auth/enable', ''),
  req('POST on /enable is 405 naming GET,PUT,DELETE', 'POST', '/v2/auth/enable'),
  get('a missing user is 404', '/v2/auth/users/nobody'),
  setKey('a key written before any auth write', '/a/k', '1'),
  del('deleting a missing user is 404 (and makes the auth directories)', '/v2/auth/users/nobody'),
  get('the auth directories took four indexes', '/v2/keys/a/k'),

  // ---- users ----
  put('root is created with the root role', '/v2/auth/users/root', '{"user":"root","password":"pw"}'),
  put('a user made with a password only has null roles (201)', '/v2/auth/users/alice', '{"user":"alice","password":"apw"}'),
  put('the same again updates it: roles become [] (200)', '/v2/auth/users/alice', '{"user":"alice","password":"apw"}'),
  put('a change that changes nothing is 400', '/v2/auth/users/alice', '{"user":"alice"}'),
  put('a new user needs a password', '/v2/auth/users/bob', '{"user":"bob"}'),
  put('a user made with roles keeps them as given (200)', '/v2/auth/users/bob', '{"user":"bob","password":"b","roles":["reader","ghost"]}'),
  put('making it again with roles is 409', '/v2/auth/users/bob', '{"user":"bob","password":"b","roles":["reader"]}'),

  // ---- roles ----
  put('a role made with permissions', '/v2/auth/roles/reader', '{"role":"reader","permissions":{"kv":{"read":["/foo/*","/one"]}}}'),
  put('making a role again is 409', '/v2/auth/roles/reader', '{"role":"reader"}'),
  put('a role made bare has null lists', '/v2/auth/roles/writer', '{"role":"writer"}'),
  put('grants are merged and sorted', '/v2/auth/roles/writer', '{"role":"writer","grant":{"kv":{"read":["/w/*","/foo/*"],"write":["/w/*"]}}}'),
  put('a duplicate grant is 409', '/v2/auth/roles/writer', '{"role":"writer","grant":{"kv":{"write":["/w/*"]}}}'),
  put('revoking what is not granted changes nothing: 400', '/v2/auth/roles/writer', '{"role":"writer","revoke":{"kv":{"read":["/nope"]}}}'),
  put('a revoke turns a null list into []', '/v2/auth/roles/reader', '{"role":"reader","revoke":{"kv":{"read":["/nope"]}}}'),
  put('permissions with a grant is 400', '/v2/auth/roles/writer', '{"role":"writer","permissions":{"kv":{"read":["/x"]}},"grant":{"kv":{"read":["/y"]}}}'),
  put('a role body naming another role is 400', '/v2/auth/roles/writer', '{"role":"other"}'),
  put('a role body that is not JSON is 400', '/v2/auth/roles/writer', 'garbage'),
  put('an empty role body is 400', '/v2/auth/roles/writer', ''),
  put('a null role body names no role', '/v2/auth/roles/writer', 'null'),
  put('a number where a list is wanted is invalid JSON', '/v2/auth/roles/writer', '{"role":"writer","grant":{"kv":{"write":[1]}}}'),
  put('field names match in any case and what follows the value is ignored', '/v2/auth/roles/writer', '{"Role":"writer","GRANT":{"KV":{"Write":["/z"]}}} trailing'),
  put('a null in a list is an empty pattern', '/v2/auth/roles/nulls', '{"role":"nulls","permissions":{"kv":{"write":[null]}}}'),
  put('the root role cannot be made', '/v2/auth/roles/root', '{"role":"root"}'),
  del('the root role cannot be deleted', '/v2/auth/roles/root'),
  del('deleting a missing role is 404', '/v2/auth/roles/nope'),
  put('granting to a missing role is 404', '/v2/auth/roles/nope', '{"role":"nope","grant":{"kv":{"read":["/y"]}}}'),
  req('POST on a role is 405', 'POST', '/v2/auth/roles/writer'),
  req('POST on the roles is 405', 'POST', '/v2/auth/roles'),
  get('a deeper path is 400 Invalid path', '/v2/auth/roles/a/b'),
  get('a trailing slash lists the roles', '/v2/auth/roles/'),
  get('a role with a trailing slash', '/v2/auth/roles/writer/'),
  put('an empty grant makes a role and is kept', '/v2/auth/roles/creator', '{"role":"creator","grant":{"kv":{}}}'),
  get('the kept grant is shown', '/v2/auth/roles/creator'),
  put('a role update drops the kept grant', '/v2/auth/roles/creator', '{"role":"creator","revoke":{"kv":{"read":["/x"]}}}'),

  // ---- grants to users ----
  put('roles granted to a user', '/v2/auth/users/alice', '{"user":"alice","grant":["writer","reader"]}'),
  put('a duplicate role grant is 409', '/v2/auth/users/alice', '{"user":"alice","grant":["reader"]}'),
  put('revoking an ungranted role is 409', '/v2/auth/users/alice', '{"user":"alice","revoke":["r9"]}'),
  put('roles with a grant is 400', '/v2/auth/users/alice', '{"user":"alice","roles":["r1"],"grant":["r2"]}'),
  put('a user body naming another user is 400', '/v2/auth/users/alice', '{"user":"bob","password":"x"}'),
  put('granting to a missing user is 404', '/v2/auth/users/nobody', '{"user":"nobody","grant":["reader"]}'),
  get('a user with a missing role cannot be shown', '/v2/auth/users/bob'),
  get('a user is shown with its roles in full', '/v2/auth/users/alice'),
  put('a hidden user (leading _) works', '/v2/auth/users/_hidden', '{"user":"_hidden","password":"h","roles":["reader"]}'),
  get('the list skips hidden users and missing roles', '/v2/auth/users'),
  get('root is shown with the root role', '/v2/auth/users/root'),
  put('root can be granted another role', '/v2/auth/users/root', '{"user":"root","grant":["reader"]}'),
  get('a deeper user path is 400 Invalid path', '/v2/auth/users/a/b'),
  get('/v2/auth alone is not found', '/v2/auth'),
  get('/v2/auth/enable/ is not found', '/v2/auth/enable/'),

  // ---- enabling ----
  put('enabling creates the guest role', '/v2/auth/enable', ''),
  get('the guest role and enabling took two indexes', '/v2/keys/a/k'),
  put('enabling again needs root', '/v2/auth/enable', ''),
  put('enabling again as root is 409', '/v2/auth/enable', '', ROOT),
  get('anyone may read the status', '/v2/auth/enable'),
  get('the users need root: anonymous', '/v2/auth/users'),
  get('the users need root: a wrong password', '/v2/auth/users', ['root', 'bad']),
  get('the users need root: a user without it', '/v2/auth/users', ALICE),
  get('the roles as root list guest', '/v2/auth/roles', ROOT),
  del('root cannot be deleted while auth is on', '/v2/auth/users/root', ROOT),
  setKey('guest still writes keys', '/a/k', '2'),
  put('revoking the guest role', '/v2/auth/roles/guest', '{"role":"guest","revoke":{"kv":{"read":["/*"],"write":["/*"]}}}', ROOT),

  // ---- key access ----
  setKey('an anonymous write is refused 110', '/a/k', '3'),
  get('an anonymous read is refused 110', '/v2/keys/a/k'),
  req('a bad TTL is refused before access is checked', 'PUT', '/v2/keys/a/k?ttl=abc', undefined),
  setKey('a user without write on the key is refused', '/foo/x', 'v', ALICE),
  setKey('root writes anywhere', '/foo/x', 'v', ROOT),
  get('a user reads what a role lets it read', '/v2/keys/foo/x', ALICE),
  get('a pattern /foo/* does not cover /foo recursively', '/v2/keys/foo?recursive=true', ALICE),
  get('but covers /foo/ recursively', '/v2/keys/foo/?recursive=true', ALICE),
  get('a plain pattern never allows a recursive read', '/v2/keys/one?recursive=true', ALICE),
  get('a plain pattern allows its own key', '/v2/keys/one', ALICE),
  setKey('a user writes where a role lets it', '/w/a', '1', ALICE),
  get('a long poll needs read access too', '/v2/keys/foo/x?wait=true&waitIndex=1'),
  get('a long poll from history for a reader', '/v2/keys/foo/x?wait=true&waitIndex=1', ALICE),
  get('a missing role of a user is skipped', '/v2/keys/foo/x', ['bob', 'b']),
  get('a hidden user is a user', '/v2/keys/foo/x', ['_hidden', 'h']),
  get('credentials without a colon are refused', '/v2/keys/foo/x', { raw: 'Basic cm9vdHB3' }),
  get('the Basic scheme matches in any case', '/v2/keys/foo/x', { raw: `basic ${Buffer.from('root:pw').toString('base64')}` }),
  get('unpadded base64 is refused', '/v2/keys/foo/x', { raw: 'Basic cm9vdDpwdw' }),
  get('another scheme is refused', '/v2/keys/foo/x', { raw: 'Bearer abc' }),
  get('a missing user is refused', '/v2/keys/foo/x', ['ghost', 'x']),
  req('a recursive delete as root', 'DELETE', '/v2/keys/w?recursive=true', ROOT),
  put('a user holding the root role', '/v2/auth/users/ops', '{"user":"ops","password":"o","roles":["root"]}', ROOT),
  get('has root access', '/v2/auth/users/ops', ['ops', 'o']),

  // ---- other endpoints ----
  open('the members list is open', '/v2/members'),
  req('adding a member needs root', 'POST', '/v2/members', undefined, '{"peerURLs":["http://127.0.0.1:1"]}', 'application/json'),
  req('removing a member needs root', 'DELETE', '/v2/members/1234'),
  req('adding a member as a user without root', 'POST', '/v2/members', ALICE, '{"peerURLs":["http://127.0.0.1:1"]}', 'application/json'),
  open('stats are open', '/v2/stats/self'),
  open('store stats are open', '/v2/stats/store'),
  open('health is open', '/health'),
  open('the version is open', '/version'),
  open('the machines are open', '/v2/machines'),

  // ---- passwd, deletes, disabling ----
  put('a new password', '/v2/auth/users/alice', '{"user":"alice","password":"new"}', ROOT),
  get('the old password no longer works', '/v2/keys/one', ALICE),
  get('the new one does', '/v2/keys/one', ['alice', 'new']),
  del('a role deleted', '/v2/auth/roles/writer', ROOT),
  setKey('its permissions are gone', '/w/b', '1', ['alice', 'new']),
  del('a user deleted', '/v2/auth/users/bob', ROOT),
  get('is gone', '/v2/auth/users/bob', ROOT),
  del('disabling needs root', '/v2/auth/enable'),
  del('disabling as a user without root', '/v2/auth/enable', ['alice', 'new']),
  del('disabling as root', '/v2/auth/enable', ROOT),
  del('disabling again is 409, open to anyone', '/v2/auth/enable'),
  setKey('anonymous writes again', '/a/k', '4'),
  del('root can be deleted with auth off', '/v2/auth/users/root'),
];

/** The corpus with etcd's recorded answers. */
export const loadAuthCases = (): EtcdCase[] => loadCases(authCaseRequests, new URL('./auth-cases.expected.json', import.meta.url));
