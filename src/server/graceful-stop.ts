// The first half of a SIGTERM: a leader hands leadership to its most caught-up voter, and then the
// member waits, for a bounded time, until the writes and quorum reads it holds are answered. A
// write the old leader dropped while transferring is offered again to the new leader by the
// proposer, so its client gets its real answer rather than a socket closed under it. Only then do
// the client connections close and the member stop (Member.stop).
import type { Clock } from './seams.js';
import { handOverLeadership } from './leadership-transfer.js';
import type { HandOverOptions } from './leadership-transfer.js';

export interface GracefulStopOptions extends HandOverOptions {
  isLeader(): boolean;
  /** Requests this member still has to answer (proposals and quorum reads). */
  inFlight(): number;
  /** How long to wait for them after the hand-over. */
  drainMs: number;
}

/** How often the drain checks for the requests it waits on; answered requests need no wake-up. */
const DRAIN_POLL_MS = 10;

export async function handOverAndDrain(opts: GracefulStopOptions): Promise<void> {
  if (opts.isLeader()) await handOverLeadership(opts);
  await drained(opts.clock, opts.inFlight, opts.drainMs);
}

async function drained(clock: Clock, inFlight: () => number, ms: number): Promise<void> {
  const deadline = clock.now() + ms;
  while (inFlight() > 0 && clock.now() < deadline) await new Promise<void>((r) => clock.setTimeout(r, DRAIN_POLL_MS));
}
