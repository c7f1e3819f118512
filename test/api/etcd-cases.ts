// A corpus of requests with the answers real etcd 3.4.23 (--enable-v2) gave them, recorded by
// record-etcd-cases.ts into etcd-cases.expected.json. Replay it in order against a fresh member
// (nothing else writing) and compare normalized answers: see etcd-case.ts. Keys are spread over
// separate directories so a case only depends on the cases of its own group.
import { loadCases } from './etcd-case.js';
import type { CaseRequest, EtcdCase } from './etcd-case.js';

const FORM = 'application/x-www-form-urlencoded';

function put(name: string, target: string, body?: string, contentType: string | undefined = FORM): CaseRequest {
  return body === undefined ? { name, method: 'PUT', target } : withBody({ name, method: 'PUT', target }, body, contentType);
}
function post(name: string, target: string, body?: string, contentType: string | undefined = FORM): CaseRequest {
  return body === undefined ? { name, method: 'POST', target } : withBody({ name, method: 'POST', target }, body, contentType);
}
function withBody(req: CaseRequest, body: string, contentType: string | undefined): CaseRequest {
  return contentType === undefined ? { ...req, body } : { ...req, body, contentType };
}
function req(name: string, method: string, target: string, extra: Partial<CaseRequest> = {}): CaseRequest {
  return { name, method, target, ...extra };
}

export const etcdCaseRequests: CaseRequest[] = [
  // ---- writes and reads ----
  put('a set that creates a key answers 201', '/v2/keys/basic/a', 'value=1'),
  put('a set over a key answers 200 with the previous node', '/v2/keys/basic/a', 'value=2'),
  req('a get shows the node', 'GET', '/v2/keys/basic/a'),
  req('a head answers the get headers without a body', 'HEAD', '/v2/keys/basic/a'),
  req('a get of a directory lists its children', 'GET', '/v2/keys/basic'),
  req('a missing key is error 100 naming it', 'GET', '/v2/keys/basic/missing'),
  req('a missing parent is error 100 naming the first missing component', 'GET', '/v2/keys/nothere/deeper/key'),
  put('a key under a file is error 104', '/v2/keys/basic/a/b', 'value=1'),
  post('a post creates an in-order key named by its index', '/v2/keys/queue', 'value=job1'),
  post('a second post creates the next in-order key', '/v2/keys/queue', 'value=job2'),
  req('a sorted recursive get lists the queue in order', 'GET', '/v2/keys/queue?sorted=true&recursive=true'),
  post('a post with dir=true creates an in-order directory', '/v2/keys/queue?dir=true'),
  put('dir=true creates a directory', '/v2/keys/d1?dir=true'),
  put('a set with a value over a directory is error 102', '/v2/keys/d1', 'value=x'),
  put('dir=true over a directory is error 102', '/v2/keys/d1?dir=true'),
  put('a file inside the directory', '/v2/keys/d1/f', 'value=v'),
  put('a nested file makes its parent directories', '/v2/keys/d1/sub/g', 'value=w'),
  req('a get of a directory without recursive shows one level (sorted: etcd lists in map order)', 'GET', '/v2/keys/d1?sorted=true'),
  req('a recursive get shows the whole subtree', 'GET', '/v2/keys/d1?recursive=true&sorted=true'),
  req('recursive=True is accepted as Go parses booleans', 'GET', '/v2/keys/d1?recursive=True&sorted=1'),
  req('deleting a directory without dir is error 102', 'DELETE', '/v2/keys/d1'),
  req('deleting a non-empty directory with dir=true is error 108', 'DELETE', '/v2/keys/d1?dir=true'),
  req('a recursive delete removes the directory', 'DELETE', '/v2/keys/d1?recursive=true'),
  put('dir=true over a file replaces it with a directory', '/v2/keys/basic/a?dir=true'),
  put('dir=true ignores a value', '/v2/keys/basic/dv?dir=true', 'value=ignored'),
  put('a set without a value makes an empty value', '/v2/keys/basic/empty', ''),

  // ---- conditions ----
  put('cond: a key to compare', '/v2/keys/cond/k', 'value=one'),
  put('prevExist=false on an existing key is error 105', '/v2/keys/cond/k', 'value=x&prevExist=false'),
  put('prevExist=true on a missing key is error 100', '/v2/keys/cond/missing', 'value=x&prevExist=true'),
  put('prevExist=false on a missing key creates it', '/v2/keys/cond/new', 'value=x&prevExist=false'),
  put('prevExist=true on an existing key updates it', '/v2/keys/cond/k', 'value=two&prevExist=true'),
  put('a failed prevValue compare is error 101', '/v2/keys/cond/k', 'value=x&prevValue=nope'),
  put('a failed prevIndex compare is error 101', '/v2/keys/cond/k', 'value=x&prevIndex=99999'),
  put('a compare failing on both names both', '/v2/keys/cond/k', 'value=x&prevValue=nope&prevIndex=99999'),
  put('a matching compare swaps', '/v2/keys/cond/k', 'value=three&prevValue=two'),
  put('a compare against a directory is error 102', '/v2/keys/cond?prevValue=x', 'value=y'),
  req('a failed compare-and-delete is error 101', 'DELETE', '/v2/keys/cond/k?prevValue=nope'),
  req('a matching compare-and-delete deletes', 'DELETE', '/v2/keys/cond/k?prevValue=three'),
  req('deleting a missing key is error 100', 'DELETE', '/v2/keys/cond/k'),
  put('writing the root is error 107', '/v2/keys/', 'value=1'),
  req('deleting the root is error 107', 'DELETE', '/v2/keys/?recursive=true'),
  req('compare-and-delete of the root is error 102 without cause', 'DELETE', '/v2/keys/?prevValue=x'),
  put('dir=true on the root is error 107', '/v2/keys/?dir=true'),

  // ---- TTLs ----
  put('a ttl shows expiration and ttl', '/v2/keys/ttl/a', 'value=1&ttl=1000'),
  put('a refresh keeps the value and resets the ttl', '/v2/keys/ttl/a', 'refresh=true&ttl=2000'),
  put('a refresh with an empty value is accepted', '/v2/keys/ttl/a', 'refresh=true&ttl=2000&value='),
  put('a refresh with a value is error 211', '/v2/keys/ttl/a', 'refresh=true&ttl=5&value=x'),
  put('a refresh without a ttl is error 212', '/v2/keys/ttl/a', 'refresh=true'),
  put('a refresh of a missing key is error 100', '/v2/keys/ttl/missing', 'refresh=true&ttl=5'),
  put('refresh=false is a plain set', '/v2/keys/ttl/a', 'refresh=false&value=2'),
  put('an empty ttl means permanent', '/v2/keys/ttl/b', 'value=1&ttl='),
  put('a negative ttl is error 202', '/v2/keys/ttl/b', 'value=1&ttl=-1'),
  put('a fractional ttl is error 202', '/v2/keys/ttl/b', 'value=1&ttl=1.5'),
  put('a signed ttl is error 202', '/v2/keys/ttl/b', 'value=1&ttl=%2B5'),
  put('a ttl past uint64 is error 202', '/v2/keys/ttl/b', 'value=1&ttl=18446744073709551616'),
  put('a ttl so large that it overflows makes the key permanent', '/v2/keys/ttl/c', 'value=1&ttl=9000000000'),
  req('a ttl on a directory', 'PUT', '/v2/keys/ttl/dir?dir=true&ttl=1000'),
  put('updating a directory ttl', '/v2/keys/ttl/dir?dir=true&prevExist=true&ttl=2000'),

  // ---- parameter parsing ----
  req('a flag without a value is error 209', 'GET', '/v2/keys/basic?recursive'),
  req('a flag with a bad value is error 209 naming it', 'GET', '/v2/keys/basic?sorted=yes'),
  req('wait=x is error 209', 'GET', '/v2/keys/basic?wait=x'),
  req('quorum=2 is error 209', 'GET', '/v2/keys/basic?quorum=2'),
  req('stream=no is error 209', 'GET', '/v2/keys/basic?stream=no'),
  put('dir=yes is error 209', '/v2/keys/basic/x?dir=yes'),
  put('prevExist=maybe is error 209 named without quotes', '/v2/keys/basic/x', 'value=1&prevExist=maybe'),
  put('refresh=x is error 209 named without quotes', '/v2/keys/basic/x', 'refresh=x'),
  put('noValueOnSuccess=yes is error 209', '/v2/keys/basic/x', 'value=1&noValueOnSuccess=yes'),
  put('a non-numeric prevIndex is error 203', '/v2/keys/basic/x', 'value=1&prevIndex=abc'),
  put('an empty prevIndex is error 203', '/v2/keys/basic/x', 'value=1&prevIndex='),
  req('a negative waitIndex is error 203', 'GET', '/v2/keys/basic?wait=true&waitIndex=-1'),
  req('prevIndex is checked before the flags', 'GET', '/v2/keys/basic?recursive=x&prevIndex=x'),
  put('an empty prevValue is error 201', '/v2/keys/basic/x', 'value=1&prevValue='),
  put('wait on a write is error 209', '/v2/keys/basic/x?wait=true', 'value=1'),
  req('wait on a head is error 209 without a body', 'HEAD', '/v2/keys/basic?wait=true'),
  put('noValueOnSuccess leaves the node out of a write', '/v2/keys/basic/nv?noValueOnSuccess=true', 'value=1'),
  req('noValueOnSuccess does not change a get', 'GET', '/v2/keys/basic/nv?noValueOnSuccess=true'),
  req('unknown parameters are ignored', 'GET', '/v2/keys/basic/nv?foo=bar&Recursive=nonsense'),
  put('the form body wins over the query', '/v2/keys/form/a?value=query', 'value=body'),
  put('of repeated values the first counts', '/v2/keys/form/a', 'value=first&value=second'),
  put('a JSON body is ignored but the query still counts', '/v2/keys/form/a?value=q', '{"value":"json"}', 'application/json'),
  put('a text body is ignored: the value is empty', '/v2/keys/form/a', 'value=text', 'text/plain'),
  put('a body without content type is ignored', '/v2/keys/form/a', 'value=none', undefined),
  put('a form type in capitals with parameters is a form', '/v2/keys/form/a', 'value=caps', 'APPLICATION/X-WWW-FORM-URLENCODED ; charset=utf-8'),
  put('a broken media parameter is error 210', '/v2/keys/form/a', 'value=1', `${FORM}; charset`),
  put('a content type without a media type is error 210', '/v2/keys/form/a', 'value=1', '; charset=utf-8'),
  put('a content type without subtype is error 210', '/v2/keys/form/a', 'value=1', 'text/'),
  put('a content type with junk after the subtype is error 210', '/v2/keys/form/a', 'value=1', 'text/plain junk'),
  put('a duplicate media parameter is error 210', '/v2/keys/form/a', 'value=1', `${FORM}; a=1; a=1`),
  put('a broken escape in the body is error 210', '/v2/keys/form/a', 'value=%zz'),
  put('a broken escape at the end of the query is error 210', '/v2/keys/form/a?value=%4', 'x=1'),
  req('a broken escape in the query is error 210', 'GET', '/v2/keys/form/a?x=%zz'),
  req('a semicolon in the query is error 210', 'GET', '/v2/keys/form/a?a;b=1&c=%zz'),
  put('a semicolon in the body is error 210', '/v2/keys/form/a', 'value=1;2'),
  req('a get ignores its body', 'GET', '/v2/keys/form/a', { body: 'recursive=bad', contentType: FORM }),
  req('a delete ignores its body', 'DELETE', '/v2/keys/form/a', { body: 'prevValue=', contentType: FORM }),
  put('plus is a space and escapes decode', '/v2/keys/form/plus', 'value=a+b%2Bc%20d'),
  put('HTML characters, U+2028, controls and invalid UTF-8 are escaped like Go', '/v2/keys/form/esc', 'value=%3Cb%3E%26%22%5C%E2%80%A8%E2%80%A9%01%7F%0A%09%FF%E2%82'),
  put('valid UTF-8 is written as is', '/v2/keys/form/utf8', 'value=%E2%82%AC%F0%9F%98%80'),

  // ---- keys and paths ----
  put('escapes in the path decode, plus stays', '/v2/keys/path/x%20y+z%E2%82%AC', 'value=1'),
  put('%2F inside a key is a separator', '/v2/keys/path/a%2Fb', 'value=1'),
  req('the key written through %2F reads back by slashes', 'GET', '/v2/keys/path/a/b'),
  put('a trailing slash is dropped from the key', '/v2/keys/path/trail/', 'value=1'),
  put('a control character in a key is accepted', '/v2/keys/path/c%01d', 'value=1'),
  put('a long key', `/v2/keys/path/${'k'.repeat(300)}`, 'value=1'),
  put('a hidden key', '/v2/keys/path/_hidden', 'value=1'),
  req('a directory listing leaves hidden keys out', 'GET', '/v2/keys/path?sorted=true'),
  req('the hidden key itself can be read', 'GET', '/v2/keys/path/_hidden'),
  req('the root lists top-level keys and has no key or indexes', 'GET', '/v2/keys/?sorted=true'),
  req('/v2/keys without a slash is the root', 'GET', '/v2/keys?sorted=true'),
  put('a double slash redirects, even a write', '/v2/keys//path/r?x=1', 'value=1'),
  req('a double slash redirect of a get has an HTML body', 'GET', '/v2/keys//path/r'),
  req('a redirect of a head has the HTML type but no body', 'HEAD', '/v2/keys//path/r'),
  req('dot segments redirect to the clean path', 'GET', '/v2/keys/a/../path/./r'),
  req('dot-dot above the keys prefix redirects out of it', 'GET', '/v2/keys/../../x'),
  req('a leading %2F redirects', 'GET', '/v2/keys/%2Fpath'),
  req('redirect locations are escaped like Go', 'GET', '/v2/keys//a%20b%3Fc%28d%29&e%25'),
  req('a delete to an unclean path redirects and deletes nothing', 'DELETE', '/v2/keys/path/../path/a/b'),
  req('the key a redirected delete named still exists', 'GET', '/v2/keys/path/a/b'),
  req('a broken escape in the path is a bare 400', 'GET', '/v2/keys/%zz'),

  // ---- methods, OPTIONS and unknown paths ----
  req('OPTIONS answers 200 with CORS headers', 'OPTIONS', '/v2/keys/basic'),
  req('OPTIONS answers any path, even an unclean one', 'OPTIONS', '/nowhere//x'),
  req('an unsupported method on keys is 405 with Allow', 'PATCH', '/v2/keys/basic'),
  req('an unknown path is Go 404 text', 'GET', '/foo'),
  req('a path only starting like the keys prefix is 404', 'GET', '/v2/keysfoo'),
  req('/v2 alone is 404', 'GET', '/v2'),

  // ---- watches ----
  put('watch: a key to watch', '/v2/keys/watch/a', 'value=1'),
  put('watch: a second write', '/v2/keys/watch/a', 'value=2'),
  req('a watch from history answers at once', 'GET', '/v2/keys/watch/a?wait=true&waitIndex={{idx:1}}', { readMs: 1000 }),
  req('a recursive watch on the directory from history', 'GET', '/v2/keys/watch?wait=true&recursive=true&waitIndex={{idx:1}}', { readMs: 1000 }),
  req('a long poll sends its headers at once and waits', 'GET', '/v2/keys/watch/a?wait=true', { readMs: 500 }),
  req('a stream from history sends the event and stays open', 'GET', '/v2/keys/watch/a?wait=true&stream=true&waitIndex={{idx:1}}', { readMs: 500 }),
  req('wait with quorum is a plain get', 'GET', '/v2/keys/watch/a?wait=true&quorum=true'),
  req('a quorum get', 'GET', '/v2/keys/watch/a?quorum=true'),
  req('a non-numeric waitIndex is error 203', 'GET', '/v2/keys/watch/a?wait=true&waitIndex=abc'),

  // ---- the other endpoints ----
  req('version', 'GET', '/version'),
  req('version refuses other methods', 'POST', '/version'),
  req('health', 'GET', '/health'),
  req('health refuses head', 'HEAD', '/health'),
  req('machines lists client URLs as text', 'GET', '/v2/machines', { ignoreBody: true }),
  req('machines answers head', 'HEAD', '/v2/machines'),
  req('machines refuses post', 'POST', '/v2/machines'),
  req('machines with a trailing slash is 404', 'GET', '/v2/machines/'),
  req('metrics is Prometheus text', 'GET', '/metrics', { ignoreBody: true }),
  req('store stats', 'GET', '/v2/stats/store', { ignoreBody: true }),
  req('self stats', 'GET', '/v2/stats/self', { ignoreBody: true }),
  req('stats refuse post', 'POST', '/v2/stats/self'),
  req('stats without a name is 404', 'GET', '/v2/stats'),
  req('members lists the cluster', 'GET', '/v2/members', { ignoreBody: true }),
  req('members with a trailing slash lists too', 'GET', '/v2/members/', { ignoreBody: true }),
  req('members names the leader', 'GET', '/v2/members/leader', { ignoreBody: true }),
  req('an unknown members path is 404 Not found', 'GET', '/v2/members/xyz'),
  req('members refuse patch', 'PATCH', '/v2/members'),
  req('a delete without a member id is 405', 'DELETE', '/v2/members'),
  req('a delete of a malformed id is 404', 'DELETE', '/v2/members/zz'),
  req('a delete of an unknown member is 404 printing the id without zeros', 'DELETE', '/v2/members/0001234'),
  post('adding a member needs JSON', '/v2/members', '{"peerURLs":["http://127.0.0.1:1"]}'),
  post('adding a member reads etcd-lowercased types only after a semicolon', '/v2/members', '{}', 'Application/JSON'),
  post('a truncated member body is a JSON error', '/v2/members', '{', 'application/json'),
  post('a member body with a stray character is a JSON error', '/v2/members', '{"peerURLs":x}', 'application/json'),
  post('a member body with no URLs', '/v2/members', '{}', 'application/json; charset=utf-8'),
  post('a member URL needs a known scheme', '/v2/members', '{"peerURLs":["foo"]}', 'application/json'),
  post('a member URL needs a port', '/v2/members', '{"peerURLs":["http://10.0.0.1"]}', 'application/json'),
  post('a member URL must not have a path', '/v2/members', '{"peerURLs":["http://10.0.0.1:2380/p"]}', 'application/json'),
  post('member URLs must be a list', '/v2/members', '{"peerURLs":"http://10.0.0.1:2380"}', 'application/json'),
  post('a member body must be an object', '/v2/members', '[1]', 'application/json'),
  req('updating an unknown member is 404', 'PUT', '/v2/members/1234', { body: '{"peerURLs":["http://10.0.0.9:2380"]}', contentType: 'application/json' }),

  // ---- last: these expire keys, which moves the index ----
  put('ttl=0 shows an expiration but no ttl', '/v2/keys/end/zero', 'value=1&ttl=0'),
  put('the largest ttl wraps to a second ago', '/v2/keys/end/max', 'value=1&ttl=18446744073709551615'),
];

/** The corpus with etcd's recorded answers. */
export const loadEtcdCases = (): EtcdCase[] => loadCases(etcdCaseRequests, new URL('./etcd-cases.expected.json', import.meta.url));
