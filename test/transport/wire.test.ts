import { describe, expect, it } from 'vitest';
import { MessageType } from '../../raft/types.js';
import { FrameError } from '../../src/transport/frame-codec.js';
import { refusalReason } from '../../src/transport/inbound-connection.js';
import { parseFrame, PROTOCOL_VERSION } from '../../src/transport/wire.js';
import type { Hello } from '../../src/transport/wire.js';
import { heartbeat, message } from './helpers.js';

const self = { memberId: 'm1', clusterId: 'c1' };
const hello = (fields: Partial<Hello>): Hello => ({ t: 'hello', v: PROTOCOL_VERSION, purpose: 'stream', clusterId: 'c1', from: 'm2', to: 'm1', ...fields });

describe('handshake rules', () => {
  it('welcomes a stream from the same cluster addressed to this member', () => {
    expect(refusalReason(hello({}), self)).toBeUndefined();
  });

  it('refuses a stream from another cluster, or one meant for another member', () => {
    expect(refusalReason(hello({ clusterId: 'c2' }), self)).toMatch(/cluster ID mismatch: local c1, remote c2/);
    expect(refusalReason(hello({ clusterId: '' }), self)).toMatch(/cluster ID mismatch/);
    expect(refusalReason(hello({ to: 'm3' }), self)).toMatch(/member m3 is not this member/);
  });

  it('refuses another protocol version', () => {
    expect(refusalReason(hello({ v: PROTOCOL_VERSION + 1 }), self)).toMatch(/protocol version/);
  });

  it('lets a request through when either side does not know the cluster id or the target yet', () => {
    expect(refusalReason(hello({ purpose: 'request', clusterId: '', to: '' }), self)).toBeUndefined();
    expect(refusalReason(hello({ purpose: 'request', to: '' }), { memberId: 'm1', clusterId: '' })).toBeUndefined();
    expect(refusalReason(hello({ purpose: 'request', clusterId: 'c2', to: '' }), self)).toMatch(/cluster ID mismatch/);
  });
});

describe('frame shapes', () => {
  it('accepts well-formed message batches', () => {
    const msgs = [heartbeat('a', 'b', 1), message('a', 'b', MessageType.App, { entries: [{ term: 1, index: 1, type: 0, data: new Uint8Array(1) }] })];
    expect(parseFrame({ t: 'msgs', msgs })).toEqual({ t: 'msgs', msgs });
  });

  it.each([
    ['a non-map', [1, 2]],
    ['an unknown frame type', { t: 'nope' }],
    ['a message without a term', { t: 'msgs', msgs: [{ ...heartbeat('a', 'b', 1), term: undefined }] }],
    ['an entry whose data is not bytes', { t: 'msgs', msgs: [message('a', 'b', MessageType.App, { entries: [{ term: 1, index: 1, type: 0, data: 'x' as unknown as Uint8Array }] })] }],
    ['a snapshot header without a snapshot', { t: 'snap', sid: 1, total: 5, msg: heartbeat('a', 'b', 1) }],
    ['a chunk without bytes', { t: 'chunk', sid: 1, offset: 0, data: [1, 2] }],
    ['a hello with an unknown purpose', { t: 'hello', v: 1, purpose: 'gossip', clusterId: 'c', from: 'a', to: 'b' }],
  ])('rejects %s', (_what, value) => {
    expect(() => parseFrame(value)).toThrow(FrameError);
  });
});
