// A RaftDriver as follower 'b' of a two-voter cluster whose leader 'a' is the test itself: the
// test steps raft's messages in by hand, and no timer fires (one tick a minute).
import { RaftDriver } from '../../../src/server/raft-driver.js';
import type { RaftDriverOptions } from '../../../src/server/raft-driver.js';
import { systemClock } from '../../../src/server/seams.js';

export function followerDriver(parts: Pick<RaftDriverOptions, 'log' | 'applier' | 'send' | 'snapshotCount' | 'catchUpEntries'>): RaftDriver {
  return new RaftDriver({
    id: 'b',
    loaded: { hardState: { term: 0, vote: '', commit: 0 }, confState: undefined, snapshot: undefined, entries: [], meta: {} },
    bootstrap: { voters: ['a', 'b'], learners: [] },
    clock: systemClock,
    random: () => 0.5,
    tickMs: 60_000,
    electionTick: 10,
    preVote: true,
    events: {
      onFatal: (err) => {
        throw err;
      },
    },
    ...parts,
  });
}
