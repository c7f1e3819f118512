// Ports handed to members before they bind them: outside the ephemeral range (where an outbound
// connection could take one meanwhile), and a separate slice for each vitest worker.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, freePorts, portSlice } from '../../bench/harness/free-ports.js';

describe('free ports', () => {
  it('gives each worker its own slice, clear of the ephemeral range', () => {
    for (const range of [[32_768, 60_999], [1_024, 65_535 - 10_000], [49_152, 65_535 - 1]] as [number, number][]) {
      const slices = [0, 1, 2, 3, 4, 5, 6, 7].map((worker) => portSlice(range, worker));
      for (const [i, s] of slices.entries()) {
        expect(s.size).toBeGreaterThan(100);
        const last = s.first + s.size - 1;
        expect(last < range[0] || s.first > range[1], `slice ${i} ${s.first}-${last} against ${range}`).toBe(true);
        expect(last).toBeLessThanOrEqual(65_535);
        if (i > 0) expect(s.first).toBeGreaterThan(slices[i - 1]!.first + slices[i - 1]!.size - 1);
      }
    }
  });

  it('hands out distinct ports nobody listens on, skipping one in use', async () => {
    const first = await freePort();
    const held = createServer();
    // The next port in this worker's slice is taken by someone else: it must be skipped.
    await new Promise<void>((resolve) => held.listen(first + 1, '127.0.0.1', resolve));
    try {
      const ports = await freePorts(5, new Set([first]));
      expect(new Set(ports).size).toBe(5);
      expect(ports).not.toContain(first);
      expect(ports).not.toContain(first + 1);
      for (const port of ports) {
        const probe = createServer();
        await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
        await new Promise<void>((resolve) => probe.close(() => resolve()));
      }
    } finally {
      await new Promise<void>((resolve) => held.close(() => resolve()));
    }
  });
});
