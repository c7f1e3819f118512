// Like etcd's publish: a member makes its name and client URLs part of the replicated member
// list, retrying until that commits, so clients reading /v2/members can find it.
import type { Proposer } from './proposer.js';
import type { Clock } from './seams.js';

const RETRY_MS = 500;

export interface PublicationOptions {
  selfId: string;
  name: string;
  clientURLs: string[];
  proposer: Proposer;
  clock: Clock;
  isStopping(): boolean;
  logger: { info(obj: object, msg: string): void };
}

export async function publishAttributes(opts: PublicationOptions): Promise<void> {
  const { selfId, name, clientURLs, proposer, clock } = opts;
  while (!opts.isStopping()) {
    try {
      await proposer.propose((seq) => ({ kind: 'attrs', from: selfId, seq, memberId: selfId, name, clientURLs }));
      opts.logger.info({ clientURLs }, 'published member attributes to the cluster');
      return;
    } catch {
      await new Promise<void>((r) => clock.setTimeout(r, RETRY_MS));
    }
  }
}
