// The transcript file format of the interaction tests (after cockroachdb's datadriven, as
// etcd-io/raft uses it): a command line, a `----` line, then the expected output up to the
// next blank line or the end of the file. Blank lines and `#` comment lines between blocks
// are kept as they are, so a rewritten file differs from the original only in outputs.
//
//   # a comment
//   campaign 1
//   ----
//   INFO 1 started election term=1
//
// A command written without `----` has no expected output yet: rewrite mode fills it in.

export interface Command {
  /** The command's name, e.g. `deliver-msgs`. */
  name: string;
  /** Arguments without `=`, in order: `deliver-msgs 1 2` has ["1", "2"]. */
  positional: string[];
  /** `key=value` arguments; `voters=(1,2,3)` has the value "(1,2,3)" (see listValue). */
  keyed: Map<string, string>;
}

export interface Block {
  /** 1-based line of the command in the file. */
  line: number;
  text: string;
  /** Output lines as written in the file; undefined when the command has no `----` yet. */
  expected: string[] | undefined;
}

/** A parsed transcript: blocks, each preceded by the verbatim lines (comments, blanks) before it. */
export interface Transcript {
  parts: { before: string[]; block: Block }[];
  /** Lines after the last block (the empty string left by a final newline included). */
  trailing: string[];
}

const SEPARATOR = '----';

export function parseTranscript(source: string): Transcript {
  const lines = source.split('\n');
  const parts: Transcript['parts'] = [];
  let before: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      before.push(line);
      i++;
      continue;
    }
    const block: Block = { line: i + 1, text: line, expected: undefined };
    i++;
    if (lines[i] === SEPARATOR) {
      i++;
      block.expected = [];
      while (i < lines.length && lines[i]!.trim() !== '') block.expected.push(lines[i++]!);
    } else if (i < lines.length && lines[i]!.trim() !== '') {
      throw new Error(`line ${i + 1}: expected ${SEPARATOR} or a blank line after the command on line ${block.line}`);
    }
    parts.push({ before, block });
    before = [];
  }
  return { parts, trailing: before };
}

/** The transcript with every block's output replaced by `outputs[i]` (or kept, where undefined). */
export function renderTranscript(t: Transcript, outputs: (string[] | undefined)[]): string {
  const lines: string[] = [];
  t.parts.forEach(({ before, block }, i) => {
    lines.push(...before, block.text);
    const output = outputs[i] ?? block.expected;
    if (output !== undefined) lines.push(SEPARATOR, ...output);
  });
  lines.push(...t.trailing);
  return lines.join('\n');
}

/** Splits a command line into name, positional and `key=value` arguments. */
export function parseCommand(text: string): Command {
  const [name, ...args] = text.trim().split(/\s+/);
  const command: Command = { name: name!, positional: [], keyed: new Map() };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) command.positional.push(arg);
    else command.keyed.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return command;
}

/** `(1,2,3)` → ["1", "2", "3"]; `()` → []; a bare `4` → ["4"]. */
export function listValue(value: string): string[] {
  const inner = value.startsWith('(') && value.endsWith(')') ? value.slice(1, -1) : value;
  return inner === '' ? [] : inner.split(',').map((s) => s.trim());
}

export interface Mismatch {
  line: number;
  command: string;
  expected: string[] | undefined;
  actual: string[];
}

export interface TranscriptRun {
  /** The transcript with every output as the commands produced it now. */
  rendered: string;
  /** Blocks whose output differs from the expected one (or that have none yet). */
  mismatches: Mismatch[];
}

/** Runs every command of `source` in order through `run` and compares outputs with the expected ones. */
export function runTranscript(source: string, run: (command: string) => string[]): TranscriptRun {
  const t = parseTranscript(source);
  const outputs = t.parts.map(({ block }) => {
    const output = run(block.text);
    // A blank line would end the block early when the file is read back.
    if (output.some((l) => l.trim() === '')) throw new Error(`line ${block.line}: \`${block.text}\` printed a blank line`);
    return output;
  });
  const mismatches: Mismatch[] = [];
  t.parts.forEach(({ block }, i) => {
    const actual = outputs[i]!;
    const same = block.expected !== undefined && block.expected.join('\n') === actual.join('\n');
    if (!same) mismatches.push({ line: block.line, command: block.text, expected: block.expected, actual });
  });
  return { rendered: renderTranscript(t, outputs), mismatches };
}
