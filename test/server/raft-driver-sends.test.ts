// When a follower's messages leave relative to its own log write: acks and votes only once the
// write is durable (and then at once, not at the transport's next flush), a client proposal or
// read forwarded to the leader while the write is in progress.
import { describe, expect, it } from 'vitest';
import { EntryType, MessageType } from '../../raft/index.js';
import type { Message } from '../../raft/index.js';
import { message } from '../../raft/messages.js';
import type { RaftDriver } from '../../src/server/raft-driver.js';
import type { LogStore } from '../../src/server/seams.js';
import { followerDriver } from './support/follower-driver.js';

/** A log whose writes land only when the test says so. */
class GatedLog implements LogStore {
  private release: (() => void) | undefined;
  writing = false;

  save(): Promise<void> {
    this.writing = true;
    return new Promise((resolve) => {
      this.release = () => {
        this.writing = false;
        resolve();
      };
    });
  }
  land(): void {
    this.release?.();
  }
  saveSnapshot = (): Promise<void> => Promise.resolve();
  compact = (): Promise<void> => Promise.resolve();
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Sent {
  msg: Message;
  whileWriting: boolean;
  flushNow: boolean;
}

function follower(log: GatedLog, sent: Sent[]): RaftDriver {
  return followerDriver({
    log,
    applier: {
      applyEntry: () => {},
      applyConfChange: () => {},
      restoreSnapshot: () => {},
      *captureSnapshot() {
        return new Uint8Array();
      },
    },
    send: (msgs, flushNow = false) => sent.push(...msgs.map((msg) => ({ msg, whileWriting: log.writing, flushNow }))),
    snapshotCount: 1000,
    catchUpEntries: 10,
  });
}

describe('a follower’s sends around its log write', () => {
  it('forwards a proposal and a read to the leader while the write is in progress, and acks only once it lands', async () => {
    const gate = new GatedLog();
    const sent: Sent[] = [];
    const driver = follower(gate, sent);
    driver.withNode((n) => {
      n.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, commit: 0, entries: [{ term: 1, index: 1, type: EntryType.Normal, data: new Uint8Array([1]) }] }));
      n.propose(new Uint8Array([2]));
      n.readIndex(new Uint8Array([3]));
    });
    await settle();
    expect(gate.writing).toBe(true);
    expect(sent.map((s) => s.msg.type)).toEqual([MessageType.Prop, MessageType.ReadIndex]);
    gate.land();
    await settle();
    expect(sent.map((s) => s.msg.type)).toEqual([MessageType.Prop, MessageType.ReadIndex, MessageType.AppResp]);
    // The ack leaves as soon as the write lands, not at the transport's next flush.
    expect(sent.find((s) => s.msg.type === MessageType.AppResp)).toMatchObject({ whileWriting: false, flushNow: true });
    expect(sent.filter((s) => s.flushNow).map((s) => s.msg.type)).toEqual([MessageType.AppResp]);
    await driver.stop();
  });
});
