// Runs the interaction transcripts in test/raft/interaction/*.txt: each command's output must
// be exactly what the file says. With RAFT_TRANSCRIPTS_REWRITE=1 the files are rewritten with
// the outputs the core produces now instead (then read the diff: a transcript that records a
// bug is a defect).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { InteractionEnv } from './support/interaction-env.js';
import { runTranscript } from './support/transcript.js';
import type { TranscriptRun } from './support/transcript.js';

const dir = fileURLToPath(new URL('./interaction/', import.meta.url));
const rewrite = process.env.RAFT_TRANSCRIPTS_REWRITE === '1';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

function run(source: string): TranscriptRun {
  const env = new InteractionEnv();
  return runTranscript(source, (command) => env.run(command));
}

describe('interaction transcripts (test/raft/interaction)', () => {
  test('there are transcripts to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    test(file, () => {
      const path = join(dir, file);
      const source = readFileSync(path, 'utf8');
      const { rendered, mismatches } = run(source);
      if (rewrite) {
        writeFileSync(path, rendered);
        return;
      }
      const first = mismatches[0];
      const where = first && `${file}:${first.line}: \`${first.command}\` printed something else (RAFT_TRANSCRIPTS_REWRITE=1 rewrites)`;
      expect(rendered, where).toBe(source);
    });
  }

  describe('the harness', () => {
    const transcript = [
      '# one voter elects itself',
      'add-nodes 1 voters=(1)',
      '----',
      '1: follower term=0 vote=none lead=none commit=0 applied=0 voters=(1) learners=()',
      '',
      'campaign 1',
      '----',
      'INFO 1 started election term=1',
      'INFO 1 became leader term=1',
      '',
    ].join('\n');

    test('a transcript whose outputs match runs clean and renders unchanged', () => {
      expect(run(transcript)).toEqual({ rendered: transcript, mismatches: [] });
    });

    test('an expected line that differs from what the core printed is reported at its command', () => {
      const perturbed = transcript.replace('became leader term=1', 'became leader term=2');
      const { rendered, mismatches } = run(perturbed);
      expect(rendered).toBe(transcript);
      expect(mismatches.map((m) => [m.line, m.command])).toEqual([[6, 'campaign 1']]);
    });

    test('a command without expected output is a mismatch that rewriting fills in', () => {
      const unwritten = transcript.replace(/campaign 1\n----\n[^]*$/, 'campaign 1\n');
      const { rendered, mismatches } = run(unwritten);
      expect(rendered).toBe(transcript);
      expect(mismatches).toHaveLength(1);
    });
  });
});
