// `<data-dir>/proxy/cluster`: the peer URLs a proxy last learned, in etcd's format
// ({"PeerURLs":[...]}), so a restarted proxy finds a cluster whose membership has changed since
// its --initial-cluster was written. Written as etcd writes it: to cluster.bak, fsync'd, renamed.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export function clusterFilePath(dataDir: string): string {
  return join(dataDir, 'proxy', 'cluster');
}

/** The remembered peer URLs, or undefined when there is no file yet. */
export async function readClusterFile(path: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as { PeerURLs?: unknown };
  const urls = parsed.PeerURLs;
  if (urls !== null && urls !== undefined && !(Array.isArray(urls) && urls.every((u) => typeof u === 'string'))) {
    throw new Error(`${path}: PeerURLs is not a list of URLs`);
  }
  return (urls as string[] | null | undefined) ?? [];
}

export async function writeClusterFile(path: string, peerUrls: readonly string[]): Promise<void> {
  const temp = `${path}.bak`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(JSON.stringify({ PeerURLs: peerUrls }));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}

/** etcd makes `<data-dir>/proxy` before anything else, so a proxy's data dir is marked as one. */
export async function makeProxyDir(dataDir: string): Promise<void> {
  await mkdir(join(dataDir, 'proxy'), { recursive: true, mode: 0o700 });
}
