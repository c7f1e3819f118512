// Replays the corpora recorded from real etcd against the api over a real socket, each on a fresh
// store-backed member: every answer must equal etcd's once indexes and times are normalized.
import { describe, expect, it } from 'vitest';
import { loadAuthCases } from './auth-cases.js';
import { concreteRequest, normalizeResponse } from './etcd-case.js';
import type { EtcdCase } from './etcd-case.js';
import { loadEtcdCases } from './etcd-cases.js';
import { exchange } from './raw-http.js';
import { corpusApp } from './support/corpus-app.js';

const corpora: [string, () => EtcdCase[]][] = [
  ['the api answers the recorded etcd corpus as etcd did', loadEtcdCases],
  ['the api answers the recorded v2 auth corpus as etcd did', loadAuthCases],
];

for (const [title, load] of corpora) {
  describe(title, () => {
    const app = corpusApp();

    for (const c of load()) {
      it(c.name, async () => {
        const res = await exchange(app.port, concreteRequest(c, app.base), c.readMs);
        expect(normalizeResponse(res, app.base, c.ignoreBody === true)).toEqual(c.expected);
      });
    }
  });
}
