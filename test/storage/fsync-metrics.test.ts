import { describe, expect, it } from 'vitest';
import { entries, snapshot, storageFixture } from './helpers.js';

const fx = storageFixture();

describe('fsync latency reporting', () => {
  it('every synced write reports its latency and unsynced writes report nothing', async () => {
    const synced: number[] = [];
    const log = await fx.open(await fx.dataDir(), { onSync: (ms) => synced.push(ms) });
    await log.save({ entries: entries(1, 5, 1) }, false);
    expect(synced).toEqual([]);
    await log.save({ entries: entries(6, 10, 1) }, true);
    await log.saveSnapshot(snapshot(10, 1));
    await log.setMeta('memberId', 'a');
    expect(synced).toHaveLength(3);
    for (const ms of synced) expect(ms).toBeGreaterThan(0);
  });

  it('a synced write slower than the threshold is logged as a slow fdatasync', async () => {
    const warnings: Array<{ obj: object; msg: string }> = [];
    const logger = { warn: (obj: object, msg: string) => warnings.push({ obj, msg }), info() {} };
    const log = await fx.open(await fx.dataDir(), { logger, slowSyncMs: 0 });
    await log.save({ entries: entries(1, 1, 1) }, false);
    expect(warnings).toEqual([]);
    await log.save({ entries: entries(2, 2, 1) }, true);
    expect(warnings).toEqual([{ obj: { tookMs: expect.any(Number), expectedMs: 0 }, msg: 'slow fdatasync' }]);
  });
});
