// A member's own snapshot: the state is captured when --snapshot-count entries have been applied,
// then encoded a step per turn while the Ready loop goes on applying, and saved at the index it
// was captured at.
import { describe, expect, it } from 'vitest';
import { EntryType, MessageType } from '../../raft/index.js';
import type { Entry, Snapshot } from '../../raft/index.js';
import { message } from '../../raft/messages.js';
import type { LogStore } from '../../src/server/seams.js';
import { followerDriver } from './support/follower-driver.js';

const ENCODING_STEPS = 50;

class InstantLog implements LogStore {
  readonly snapshots: Snapshot[] = [];
  save = (): Promise<void> => Promise.resolve();
  saveSnapshot = (snap: Snapshot): Promise<void> => {
    this.snapshots.push(snap);
    return Promise.resolve();
  };
  compact = (): Promise<void> => Promise.resolve();
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function entries(from: number, to: number): Entry[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ term: 1, index: from + i, type: EntryType.Normal, data: new Uint8Array([from + i]) }));
}

describe('a member’s own snapshot', () => {
  it('is encoded a turn at a time while later entries are applied, and saved at the index it was captured at', async () => {
    const log = new InstantLog();
    const applied: number[] = [];
    let appliedWhenEncoded: number[] = [];
    const driver = followerDriver({
      log,
      applier: {
        applyEntry: (e) => void applied.push(e.index),
        applyConfChange: () => {},
        restoreSnapshot: () => {},
        captureSnapshot: () => {
          const state = `applied through ${applied.at(-1)}`;
          return (function* () {
            for (let i = 0; i < ENCODING_STEPS; i++) yield;
            appliedWhenEncoded = [...applied];
            return Buffer.from(state);
          })();
        },
      },
      send: () => {},
      snapshotCount: 3,
      catchUpEntries: 1,
    });
    const append = (from: number, to: number): void =>
      driver.withNode((n) => n.step(message({ type: MessageType.App, from: 'a', to: 'b', term: 1, index: from - 1, logTerm: from > 1 ? 1 : 0, commit: to, entries: entries(from, to) })));

    append(1, 3);
    for (let i = 0; i < 3; i++) await settle();
    expect(applied).toEqual([1, 2, 3]);
    expect(log.snapshots).toEqual([]); // still encoding
    append(4, 5);
    for (let i = 0; i < 5; i++) await settle();
    expect(applied).toEqual([1, 2, 3, 4, 5]);
    expect(log.snapshots).toEqual([]); // still encoding: the loop applied 4 and 5 meanwhile
    await driver.stop(); // waits for the snapshot in flight

    expect(appliedWhenEncoded).toEqual([1, 2, 3, 4, 5]);
    expect(log.snapshots).toHaveLength(1);
    expect(log.snapshots[0]!.metadata.index).toBe(3);
    expect(Buffer.from(log.snapshots[0]!.data).toString()).toBe('applied through 3');
  });
});
