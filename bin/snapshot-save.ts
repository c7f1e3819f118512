// `raftkv snapshot save`: fetches GET /raftkv/v1/snapshot from one member (a linearizable point
// of the cluster's state), writes it to <file>.part, fsyncs it, checks the whole file, and only
// then renames it into place, so <file> is never a partial or damaged snapshot.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname } from 'node:path';
import { SNAPSHOT_PATH } from '../api/snapshot-route.js';
import { decodeBackupFile } from '../src/storage/backup-file.js';
import type { BackupFile } from '../src/storage/backup-file.js';
import { syncDirectory } from '../src/storage/snapshot-files.js';
import { basicAuthorization, userPassword } from './basic-credentials.js';

export interface SaveOptions {
  file: string;
  /** One endpoint, as etcdctl takes it: a URL, or host:port (https when TLS files are given). */
  endpoint: string;
  cacert?: string;
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
  /** etcdctl's --user: "name:password", or "name" with `password`. */
  user?: string;
  password?: string;
  /** How long the connection may stay silent (ReadIndex waits at most a request timeout). */
  idleTimeoutMs: number;
}

export async function saveSnapshot(o: SaveOptions): Promise<BackupFile['header']> {
  const res = await get(o);
  const part = `${o.file}.part`;
  try {
    if (res.statusCode !== 200) {
      const answer = (await readAll(res)).toString('utf8').trim();
      throw new Error(`${o.endpoint} refused the snapshot: ${res.statusCode} ${answer}`);
    }
    const handle = await open(part, 'w', 0o600);
    try {
      for await (const chunk of res) await handle.write(chunk as Buffer);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { header } = decodeBackupFile(await readFile(part), part);
    await rename(part, o.file);
    await syncDirectory(dirname(o.file));
    return header;
  } catch (err) {
    res.destroy();
    await rm(part, { force: true });
    throw err;
  }
}

async function get(o: SaveOptions): Promise<IncomingMessage> {
  const tls = o.cacert !== undefined || o.cert !== undefined || o.key !== undefined;
  const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(o.endpoint) ? o.endpoint : `${tls ? 'https' : 'http'}://${o.endpoint}`;
  const url = new URL(SNAPSHOT_PATH, base);
  const headers: Record<string, string> = {};
  const auth = userPassword(o.user, o.password);
  if (auth) headers.authorization = basicAuthorization(auth);
  const [ca, cert, key] = await Promise.all([o.cacert, o.cert, o.key].map((p) => (p === undefined ? undefined : readFile(p))));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { headers, ca, cert, key, rejectUnauthorized: o.insecureSkipTlsVerify !== true }, resolve);
    req.setTimeout(o.idleTimeoutMs, () => req.destroy(new Error(`${o.endpoint} sent nothing for ${o.idleTimeoutMs} ms`)));
    req.once('error', (err) => reject(new Error(`could not fetch a snapshot from ${o.endpoint}: ${err.message}`)));
    req.end();
  });
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
