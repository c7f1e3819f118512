import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft/index.js';
import { encodeCommand } from '../../src/server/commands.js';
import { InvariantError } from '../../src/server/invariant.js';
import { StateMachine } from '../../src/server/state-machine.js';

const founders = { members: [{ id: 'm1', name: 'm1', peerURLs: ['http://m1:2380'], clientURLs: [] }], removed: [] };
const quiet = { onOwnApplied: () => undefined, onMembershipChanged: () => undefined };

describe('the state machine', () => {
  it('stops on a committed entry that holds no known command instead of stepping over it', () => {
    const sm = new StateMachine('m1', founders, quiet);
    expect(() => sm.applyEntry({ index: 1, term: 1, type: EntryType.Normal, data: new Uint8Array([0xc1]) })).toThrow(InvariantError);
    expect(sm.store.index).toBe(0);
  });

  it('applies a v2 request and keeps the store index moving forward', () => {
    const sm = new StateMachine('m1', founders, quiet);
    sm.applyEntry({ index: 1, term: 1, type: EntryType.Normal, data: encodeCommand({ kind: 'v2', from: 'm2', seq: 1, req: { method: 'PUT', path: '/a', val: '1', time: 0 } }) });
    expect(sm.store.index).toBe(1);
  });
});
