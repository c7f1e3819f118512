// etcd 3.4's --config-file: a YAML document whose keys are the flags' names (etcd's json tags),
// each value typed as etcd's Go field is. Every key is looked up in the flag table and set through
// FlagSet.set, so a key is read and checked exactly as its flag is. Where etcd silently ignores a
// key (one it does not know, or a flag it reads no key for) raftkv refuses the file instead, so a
// misspelt setting is never lost. YAML 1.1, as etcd's go-yaml v2 reads it (`yes` is a bool).
import { createRequire } from 'node:module';
import type { FlagSet } from './flag-set.js';
import type { FlagDef, TlsSection } from './flag-table.js';
import { GoValueError } from './go-values.js';

// yaml (70-odd modules) is loaded only when a config file is given: a member started with flags,
// the common case and every restart under a supervisor, does not pay for it.
const loadYaml = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

const SECTIONS: readonly TlsSection[] = ['client-transport-security', 'peer-transport-security'];

/** Go's names for the field types etcd decodes each flag kind into. */
const GO_TYPES: Record<FlagDef['kind']['type'], string> = {
  string: 'string', bool: 'bool', uint: 'uint', int: 'int', 'uint32-decimal': 'uint32', duration: 'time.Duration',
  urls: 'string', cors: 'string', choice: 'string', legacy: 'bool',
};

/** Why the file cannot be used, in etcd's words where etcd has them; undefined when it was applied. */
export function applyConfigFile(flags: FlagSet, path: string, text: string): string | undefined {
  let doc: unknown;
  try {
    doc = loadYaml().parse(text, { version: '1.1', intAsBigInt: true, uniqueKeys: true });
  } catch (err) {
    return `error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`;
  }
  if (doc === null || doc === undefined) return undefined;
  if (!isMap(doc)) return `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonType(doc)} into Go value of type embed.configYAML`;
  const byKey = fileKeys(flags);
  for (const [key, value] of Object.entries(doc)) {
    if (SECTIONS.includes(key as TlsSection)) {
      if (value === null) continue;
      if (!isMap(value)) return unmarshalError(key, value, 'embed.securityConfig');
      for (const [inner, innerValue] of Object.entries(value)) {
        const def = byKey.get(`${key}.${inner}`);
        if (!def) return unknownKey(`${key}.${inner}`, path);
        const problem = setFromFile(flags, def, `${key}.${inner}`, innerValue, path);
        if (problem) return problem;
      }
      continue;
    }
    const def = byKey.get(key);
    if (!def) return flags.lookup(key) ? `${path}: etcd 3.4 reads no "${key}" key from a configuration file (it would ignore it); raftkv refuses it` : unknownKey(key, path);
    const problem = setFromFile(flags, def, key, value, path);
    if (problem) return problem;
  }
  return undefined;
}

/** Each key etcd reads, dotted under its TLS section, to its flag. */
function fileKeys(flags: FlagSet): Map<string, FlagDef> {
  const keys = new Map<string, FlagDef>();
  for (const def of flags.all()) {
    if (def.file === 'none' || def.kind.type === 'legacy') continue;
    keys.set(typeof def.file === 'object' ? `${def.file.under}.${def.file.key}` : def.name, def);
  }
  return keys;
}

function setFromFile(flags: FlagSet, def: FlagDef, field: string, value: unknown, path: string): string | undefined {
  if (value === null) return undefined; // JSON null leaves a Go field as it was
  const text = flagText(def, value);
  if (text === undefined) return unmarshalError(field, value, def.file === 'list' ? '[]string' : GO_TYPES[def.kind.type]);
  try {
    flags.set(def, text);
  } catch (err) {
    if (!(err instanceof GoValueError)) throw err;
    return `invalid value ${JSON.stringify(text)} for ${field} in ${path}: ${err.message}`;
  }
  return undefined;
}

/** The value as its flag would be written, or undefined when Go could not decode it into the field. */
function flagText(def: FlagDef, value: unknown): string | undefined {
  if (def.file === 'list') return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(',') : undefined;
  switch (def.kind.type) {
    case 'bool':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'uint':
    case 'uint32-decimal':
      return typeof value === 'bigint' && value >= 0n ? String(value) : undefined;
    case 'int':
      return typeof value === 'bigint' ? String(value) : undefined;
    case 'duration': // a time.Duration in JSON is a count of nanoseconds
      return typeof value === 'bigint' ? `${value}ns` : undefined;
    default:
      return typeof value === 'string' ? value : undefined;
  }
}

function unknownKey(key: string, path: string): string {
  return `${path}: unknown key "${key}" (etcd 3.4 would ignore it silently; raftkv refuses it so that a misspelt setting is not lost)`;
}

function unmarshalError(field: string, value: unknown, goType: string): string {
  const shown = typeof value === 'bigint' || typeof value === 'number' ? `number ${value}` : jsonType(value);
  const what = goType === 'string' || goType === '[]string' ? jsonType(value) : shown;
  return `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go struct field configYAML.${field} of type ${goType}`;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'bigint' || typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'string' ? 'string' : 'object';
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
