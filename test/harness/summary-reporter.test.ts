// CI reads the last line, "N passed, N failed": tests a failed beforeAll kept from running are
// failures there, not silently left out (vitest itself calls them skipped).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

it('counts the tests of a suite whose beforeAll failed as failed, and an it.skip as neither', () => {
  const run = spawnSync(process.execPath, [
    'node_modules/vitest/vitest.mjs', 'run', '--config', 'test/harness/fixtures/vitest.config.ts', '--root', '.',
  ], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  expect(run.status, run.stderr).toBe(1);
  expect(run.stdout.trim().split('\n').at(-1)).toBe('1 passed, 2 failed');
});
