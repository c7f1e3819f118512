// Go's flag.FlagSet as etcd uses it: `-flag` and `--flag` alike, `-flag value` and `-flag=value`,
// bool flags only as `-flag` or `-flag=bool`, the last of a repeated flag winning, parsing stopping
// at `--` or at the first argument that is not a flag.
import { parseUrlList } from './etcd-urls.js';
import type { FlagDef, FlagValue } from './flag-table.js';
import { GoValueError, checkGoDuration, parseGoBool, parseGoInt, parseGoUint, parseGoUint32Decimal } from './go-values.js';

export type CommandLine =
  | { kind: 'parsed'; positional: string[] }
  | { kind: 'help' }
  /** Go's flag package prints this and the usage, and etcd exits 2. */
  | { kind: 'error'; message: string };

export class FlagSet {
  private readonly defs = new Map<string, FlagDef>();
  private readonly values = new Map<string, FlagValue>();
  /** Flags given on the command line or by an environment variable (Go's "actual" set). */
  private readonly given = new Set<string>();
  /** Warnings etcd logs while setting flags (legacy flags). */
  readonly warnings: string[] = [];

  constructor(defs: readonly FlagDef[]) {
    for (const def of defs) {
      this.defs.set(def.name, def);
      this.values.set(def.name, def.default);
    }
  }

  lookup(name: string): FlagDef | undefined {
    return this.defs.get(name);
  }

  all(): FlagDef[] {
    return [...this.defs.values()];
  }

  /** flag.Value.Set: reads `text` by the flag's kind; throws GoValueError with Go's reason. */
  set(def: FlagDef, text: string): void {
    this.values.set(def.name, this.read(def, text));
    this.given.add(def.name);
  }

  isGiven(name: string): boolean {
    return this.given.has(name);
  }

  value(name: string): FlagValue {
    const value = this.values.get(name);
    if (value === undefined) throw new Error(`no flag --${name} in the flag table`);
    return value;
  }

  string(name: string): string {
    return expect(name, this.value(name), (v): v is string => typeof v === 'string');
  }

  bool(name: string): boolean {
    return expect(name, this.value(name), (v): v is boolean => typeof v === 'boolean');
  }

  number(name: string): number {
    return Number(expect(name, this.value(name), (v): v is bigint => typeof v === 'bigint'));
  }

  list(name: string): string[] {
    return expect(name, this.value(name), (v): v is string[] => Array.isArray(v));
  }

  /** flag.FlagSet.Parse. */
  parse(argv: readonly string[]): CommandLine {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg.length < 2 || !arg.startsWith('-')) return { kind: 'parsed', positional: argv.slice(i) };
      if (arg === '--') return { kind: 'parsed', positional: argv.slice(i + 1) };
      const body = arg.slice(arg.startsWith('--') ? 2 : 1);
      if (body === '' || body.startsWith('-') || body.startsWith('=')) return { kind: 'error', message: `bad flag syntax: ${arg}` };
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      let value = eq === -1 ? undefined : body.slice(eq + 1);
      const def = this.lookup(name);
      if (!def) {
        if (name === 'h' || name === 'help') return { kind: 'help' };
        return { kind: 'error', message: `flag provided but not defined: -${name}` };
      }
      const boolLike = def.kind.type === 'bool' || def.kind.type === 'legacy';
      if (!boolLike && value === undefined) {
        if (i + 1 === argv.length) return { kind: 'error', message: `flag needs an argument: -${name}` };
        value = argv[++i]!;
      }
      try {
        this.set(def, value ?? 'true');
      } catch (err) {
        if (!(err instanceof GoValueError)) throw err;
        return {
          kind: 'error',
          message: boolLike
            ? `invalid boolean value ${JSON.stringify(value)} for -${name}: ${err.message}`
            : `invalid value ${JSON.stringify(value)} for flag -${name}: ${err.message}`,
        };
      }
    }
    return { kind: 'parsed', positional: [] };
  }

  private read(def: FlagDef, text: string): FlagValue {
    switch (def.kind.type) {
      case 'string':
        return text;
      case 'bool':
        return parseGoBool(text);
      case 'uint':
        return parseGoUint(text);
      case 'int':
        return parseGoInt(text);
      case 'uint32-decimal':
        return parseGoUint32Decimal(text);
      case 'duration':
        return checkGoDuration(text);
      case 'urls':
        // etcd leaves a URL list as it was when given an empty value.
        return text === '' ? this.value(def.name) : parseUrlList(text).map((u) => u.text);
      case 'cors':
        return text === '*' ? ['*'] : parseUrlList(text).map((u) => u.text);
      case 'choice':
        if (!def.kind.choices.includes(text)) throw new GoValueError('invalid value');
        return text;
      case 'legacy':
        this.warnings.push(`flag "-${def.name}" is no longer supported - ignoring.`);
        return true;
    }
  }
}

function expect<T extends FlagValue>(name: string, value: FlagValue, is: (v: FlagValue) => v is T): T {
  if (!is(value)) throw new Error(`flag --${name} does not hold that kind of value`);
  return value;
}
