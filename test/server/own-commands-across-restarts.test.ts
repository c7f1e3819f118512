import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft/index.js';
import { encodeCommand } from '../../src/server/commands.js';
import { StateMachine } from '../../src/server/state-machine.js';
import type { ApplyOutcome } from '../../src/server/state-machine.js';
import { Waiters } from '../../src/server/waiters.js';
import { FakeClock } from '../support/fake-clock.js';

const founders = { members: [{ id: 'm1', name: 'm1', peerURLs: ['http://m1:2380'], clientURLs: [] }], removed: [] };

describe('a member after a restart', () => {
  // Found by the simulator ('request identity'): the state machine tells a member of its own
  // commands by (member id, seq), so seqs must not start again from 1 after a restart. Wired here
  // as Member wires them: the restarted process's waiters, fed by the state machine.
  it('does not answer a new request with the outcome of a proposal it made before the restart', async () => {
    const clock = new FakeClock();
    // Before the crash the member proposed PUT /before; its entry commits only after the restart.
    const { seq: beforeSeq, done: lost } = new Waiters<ApplyOutcome | undefined>(clock).register(60_000, () => new Error('timed out'));
    lost.catch(() => undefined);
    const before = encodeCommand({ kind: 'v2', from: 'm1', seq: beforeSeq, req: { method: 'PUT', path: '/before', val: 'x', time: 0 } });
    await clock.advance(1000);
    // After the restart: a new process, new waiters, and a client's request waiting on its own seq.
    const waiters = new Waiters<ApplyOutcome | undefined>(clock);
    const sm = new StateMachine('m1', founders, { onOwnApplied: (seq, outcome) => waiters.trigger(seq, outcome), onMembershipChanged: () => undefined });
    let answered: ApplyOutcome | undefined;
    void waiters.register(60_000, () => new Error('timed out')).done.then((outcome) => (answered = outcome));
    sm.applyEntry({ index: 5, term: 2, type: EntryType.Normal, data: before });
    await clock.settle();
    expect(answered).toBeUndefined();
  });
});
