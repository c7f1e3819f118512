// Like etcd's publish: a member makes its name and client URLs part of the replicated member
// list, retrying until that commits, so clients reading /v2/members can find it. Like etcd, the
// member serves clients only once this has committed (bin/serve.ts waits for it), and publishes
// at every start, even when nothing changed.
import type { Proposer } from './proposer.js';
import { formatId } from './ids.js';
import type { Clock } from './seams.js';

const RETRY_MS = 500;

export interface PublicationOptions {
  selfId: string;
  clusterId: string;
  name: string;
  clientURLs: string[];
  proposer: Proposer;
  clock: Clock;
  isStopping(): boolean;
  logger: { info(obj: object, msg: string): void };
}

/** Resolves true once published, false if the member stopped first. */
export async function publishAttributes(opts: PublicationOptions): Promise<boolean> {
  const { selfId, name, clientURLs, proposer, clock } = opts;
  while (!opts.isStopping()) {
    try {
      await proposer.propose((id) => ({ kind: 'attrs', ...id, memberId: selfId, name, clientURLs }));
      // etcd's words (Go's %+v of its attributes), which harnesses wait for.
      opts.logger.info({ clientURLs }, `published {Name:${name} ClientURLs:[${clientURLs.join(' ')}]} to cluster ${formatId(opts.clusterId)}`);
      return true;
    } catch {
      await new Promise<void>((r) => clock.setTimeout(r, RETRY_MS));
    }
  }
  return false;
}
