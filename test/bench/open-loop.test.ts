// The open loop starts operations on the clock, not when earlier ones are answered, and never
// has more than its limit unanswered.
import { describe, expect, it } from 'vitest';
import { sleep } from '../../bench/harness/wait.js';
import { Histogram } from '../../bench/latency.js';
import { openLoop } from '../../bench/open-loop.js';
import { Recorder } from '../../bench/recorder.js';

const timed = (durationMs: number): Recorder => new Recorder({ warmupMs: 0, durationMs }, () => {});

describe('openLoop', () => {
  it('starts no more operations than the schedule has made due, each as client n % lanes', async () => {
    const recorder = timed(1000);
    const started: [number, number][] = [];
    const t0 = performance.now();
    await openLoop(recorder, { perSecond: 200, lanes: 3, maxInFlight: 1000 }, async (client, seq) => {
      started.push([client, seq]);
    });
    const elapsedMs = performance.now() - t0;
    // Due by the end: operation n is due at n × 5 ms. A busy machine can only start fewer.
    expect(started.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 5) + 1);
    expect(started.length).toBeGreaterThan(50);
    expect(started.slice(0, 4)).toEqual([[0, 0], [1, 0], [2, 0], [0, 1]]);
    expect(recorder.result().ops).toBe(started.length);
  });

  it('does not wait for answers, and counts operations beyond maxInFlight as not sent', async () => {
    const recorder = timed(1000);
    let inFlight = 0;
    let most = 0;
    // Each answer takes 300 ms: a closed loop of 5 would manage 16 a second; 100 a second are due.
    await openLoop(recorder, { perSecond: 100, lanes: 1, maxInFlight: 5 }, async () => {
      most = Math.max(most, ++inFlight);
      await sleep(300);
      inFlight--;
    });
    const result = recorder.result();
    expect(most).toBe(5);
    expect(result.errors['not sent: 5 in flight']).toBeGreaterThan(0);
    // Latency counts from the scheduled start: at least the 300 ms of the answer.
    expect(result.ops).toBeGreaterThan(0);
    expect(Histogram.from(result.latency).summary().p50Ms).toBeGreaterThanOrEqual(290);
  });

  it('records no successes when the job counts something else', async () => {
    const recorder = timed(300);
    let calls = 0;
    await openLoop(recorder, { perSecond: 100, lanes: 1, maxInFlight: 10, recordSuccesses: false }, async () => {
      calls++;
    });
    expect(calls).toBeGreaterThan(0);
    expect(recorder.result().ops).toBe(0);
  });
});
