// The one waitFor and sleep that tests and the benchmark share.
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../bench/harness/wait.js';

describe('waitFor', () => {
  it('resolves as soon as the check holds, sync or async', async () => {
    let calls = 0;
    await waitFor('the third call', () => ++calls === 3, 1000);
    expect(calls).toBe(3);
    await waitFor('an async check', async () => true, 1000);
  });

  it('counts a check that throws as not yet', async () => {
    let calls = 0;
    await waitFor('a member to listen', () => {
      if (++calls < 3) throw new Error('ECONNREFUSED');
      return true;
    }, 1000);
    expect(calls).toBe(3);
  });

  it('says what it waited for, the last error and what explain adds when it gives up', async () => {
    const failing = waitFor('a leader', () => {
      throw new Error('connect ECONNREFUSED');
    }, 50, () => '--- m1 (exited (1)), last output:\naddress in use');
    await expect(failing).rejects.toThrow('timed out after 50 ms waiting for a leader (last error: connect ECONNREFUSED)\n--- m1 (exited (1)), last output:\naddress in use');
  });

  it('checks once more at the deadline', async () => {
    let calls = 0;
    await expect(waitFor('never', () => (calls++, false), 30)).rejects.toThrow('timed out after 30 ms waiting for never');
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});

describe('sleep', () => {
  it('waits at least the given time', async () => {
    const started = performance.now();
    await sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});
