// Records etcd-cases.expected.json (or, named so, auth-cases.expected.json: each corpus by the
// file it is kept in) from a real etcd 3.4 with --enable-v2 and a fresh data dir (no other client may write while it runs; it never adds a member, which would stall etcd):
//
//   etcd --enable-v2 --data-dir /tmp/rec-etcd --name infra0 \
//     --listen-client-urls http://127.0.0.1:23792 --advertise-client-urls http://127.0.0.1:23792 \
//     --listen-peer-urls http://127.0.0.1:23802 --initial-advertise-peer-urls http://127.0.0.1:23802 \
//     --initial-cluster infra0=http://127.0.0.1:23802
//   npx tsc --ignoreConfig --outDir /tmp/rec --module nodenext --target es2022 --types node \
//     --skipLibCheck test/api/record-etcd-cases.ts && echo '{"type":"module"}' > /tmp/rec/package.json
//   node /tmp/rec/record-etcd-cases.js 23792 test/api/etcd-cases.expected.json
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { authCaseRequests } from './auth-cases.js';
import { concreteRequest, normalizeResponse } from './etcd-case.js';
import type { CaseRequest, Expected } from './etcd-case.js';
import { etcdCaseRequests } from './etcd-cases.js';
import { exchange } from './raw-http.js';
import { requestLineCaseRequests } from './request-line-cases.js';

/** Each corpus by the name of the file its answers are kept in. */
const CORPORA: Record<string, CaseRequest[]> = {
  'etcd-cases.expected.json': etcdCaseRequests,
  'auth-cases.expected.json': authCaseRequests,
  'request-line-cases.expected.json': requestLineCaseRequests,
};

async function main(): Promise<void> {
  const [portText, outFile] = process.argv.slice(2);
  const port = Number(portText);
  const requests = outFile === undefined ? undefined : CORPORA[basename(outFile)];
  if (!port || !requests) throw new Error(`usage: record-etcd-cases <etcd client port> <${Object.keys(CORPORA).join('|')}>`);
  const root = await exchange(port, { method: 'GET', target: '/v2/keys/' });
  if (root.body.includes('"nodes"')) throw new Error('etcd is not fresh: start it on an empty data dir');
  const base = Number(root.headers.find(([name]) => name === 'x-etcd-index')?.[1]);
  const recorded: Record<string, Expected> = {};
  for (const c of requests) {
    if (c.name in recorded) throw new Error(`two cases are named "${c.name}"`);
    const res = await exchange(port, concreteRequest(c, base), c.readMs);
    recorded[c.name] = normalizeResponse(res, base, c.ignoreBody === true);
  }
  writeFileSync(outFile, JSON.stringify(recorded, null, 2) + '\n');
  console.log(`recorded ${requests.length} cases (store index at start: ${base})`);
}

await main();
