// `GET <peer URL>/members`, as etcd's proxy asks it: over the peer TLS (for https peer URLs),
// within 10 seconds for the whole answer.
import { get as httpGet } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { AskMembers } from '../../src/proxy/cluster-source.js';

const ASK_TIMEOUT_MS = 10_000;

export function askMembersOver(tls: (() => SecureContextOptions) | undefined, insecureSkipVerify: boolean): AskMembers {
  return (peerUrl) =>
    new Promise((resolve, reject) => {
      const url = new URL('members', peerUrl.endsWith('/') ? peerUrl : `${peerUrl}/`);
      const signal = AbortSignal.timeout(ASK_TIMEOUT_MS);
      const onAnswer = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          const id = res.headers['x-etcd-cluster-id'];
          resolve({ clusterId: typeof id === 'string' ? id : undefined, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.once('error', reject);
      };
      const req =
        url.protocol === 'https:'
          ? httpsGet(url, { signal, ...(tls?.() ?? {}), rejectUnauthorized: !insecureSkipVerify }, onAnswer)
          : httpGet(url, { signal }, onAnswer);
      req.once('error', reject);
    });
}
