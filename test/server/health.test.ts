// /health's decision as etcd 3.4 makes it (etcdhttp checkHealth), in fake time.
import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../src/server/health.js';
import { FakeClock } from '../support/fake-clock.js';

describe('checkHealth', () => {
  it('is false without a leader, and asks for no read', async () => {
    let asked = 0;
    expect(await checkHealth(false, async () => void asked++, new FakeClock())).toBe(false);
    expect(asked).toBe(0);
  });

  it('is true once the quorum read completes, false when it fails', async () => {
    const clock = new FakeClock();
    expect(await checkHealth(true, async () => undefined, clock)).toBe(true);
    expect(await checkHealth(true, async () => Promise.reject(new Error('etcdserver: request timed out')), clock)).toBe(false);
  });

  it('is false when the quorum read has not completed within a second (a leader that lost its quorum)', async () => {
    const clock = new FakeClock();
    let answer: boolean | undefined;
    void checkHealth(true, () => new Promise<void>(() => undefined), clock).then((h) => (answer = h));
    await clock.advance(999);
    expect(answer).toBeUndefined();
    await clock.advance(1);
    expect(answer).toBe(false);
  });
});
