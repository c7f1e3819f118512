// A decoded entry's key and value must not be slices of the entry's whole text: the store keeps
// them for as long as the key lives, and a slice would keep the ~240 B parent alive per key.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeCommand, encodeCommand } from '../../src/server/commands.js';
import type { Command } from '../../src/server/commands.js';

/** Shaped like a real PUT entry: long enough (> 140 B) that msgpackr's native string extractor decodes it. */
function putCommand(path: string, val: string): Command {
  return { kind: 'v2', from: '6cfcd66f5c023d26', run: 1733363000.25, seq: 16431, low: 16400, req: { method: 'PUT', path, time: 1733363000000.5, val } };
}

// V8 only tells a sliced string from a flat one through a natives call, so the check runs in a
// child node with --allow-natives-syntax against the built module (npm test builds first).
const COMMANDS_JS = pathToFileURL(resolve(import.meta.dirname, '../../dist/src/server/commands.js')).href;

function stringTypes(decodeScript: string): string[] {
  const script = `import { encodeCommand, decodeCommand } from ${JSON.stringify(COMMANDS_JS)};\n${decodeScript}`;
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(run.status, run.stderr).toBe(0);
  return [...run.stdout.matchAll(/ - type: (\w+)/g)].map((m) => m[1]!);
}

describe('decodeCommand', () => {
  it('gives the request its path and value exactly, non-Latin-1 text and JSON metacharacters included', () => {
    for (const val of ['x'.repeat(100), 'é✓\u{1F600}'.repeat(20), '"\\\n\u0000</'.repeat(30), '']) {
      const cmd = decodeCommand(encodeCommand(putCommand('/dir/k000000000016431', val)));
      expect(cmd).toEqual(putCommand('/dir/k000000000016431', val));
    }
  });

  it('leaves nothing on the entry data it read (msgpackr would cache a DataView there, kept as long as the entry)', () => {
    const data = encodeCommand(putCommand('/k', 'v'));
    decodeCommand(data);
    expect(Object.keys(data).filter((k) => !/^\d+$/.test(k))).toEqual([]);
  });

  it('hands back a key and value that are strings of their own, not slices of the entry', () => {
    const cmd = JSON.stringify(putCommand('/k000000000016431', 'x'.repeat(100)));
    const types = stringTypes(`const d = decodeCommand(encodeCommand(${cmd}));\n%DebugPrint(d.req.path);\n%DebugPrint(d.req.val);\n%DebugPrint(d.from);`);
    expect(types).toHaveLength(3);
    expect(types.slice(0, 2).filter((t) => t.startsWith('SLICED'))).toEqual([]);
    // The one field left as msgpackr gave it shows the check can see a slice.
    expect(types[2]).toMatch(/^SLICED/);
  });
});
