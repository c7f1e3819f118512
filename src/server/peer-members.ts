// etcd's peerMembersHandler: `GET /members` on the peer port answers the member list as etcd's
// membership.Member JSON (ids as decimal numbers, members by id, a newline after), with the
// cluster's id in X-Etcd-Cluster-ID. A v2 proxy reads the client URLs from it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { formatId } from './ids.js';
import type { MemberInfo } from './member-service.js';

/** Go's json encoding of one membership.Member: omitempty name, clientURLs and isLearner. */
function memberJson(m: MemberInfo): string {
  const fields = [`"id":${BigInt(`0x${m.id}`).toString()}`, `"peerURLs":${JSON.stringify(m.peerURLs)}`];
  if (m.isLearner) fields.push('"isLearner":true');
  if (m.name !== '') fields.push(`"name":${JSON.stringify(m.name)}`);
  if (m.clientURLs.length > 0) fields.push(`"clientURLs":${JSON.stringify(m.clientURLs)}`);
  return `{${fields.join(',')}}`;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/** `members()` lists the members in id order; `clusterId` is raftkv's 16-digit hex. */
export function peerMembersHandler(clusterId: string, members: () => MemberInfo[]): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/members') {
      send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, '404 page not found\n');
    } else if (req.method !== 'GET') {
      send(res, 405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, 'Method Not Allowed\n');
    } else {
      const body = `[${members().map(memberJson).join(',')}]\n`;
      send(res, 200, { 'Content-Type': 'application/json', 'X-Etcd-Cluster-Id': formatId(clusterId) }, body);
    }
  };
}
