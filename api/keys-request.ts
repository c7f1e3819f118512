// A /v2/keys request's parameters checked in etcd's order (v2http parseKeyRequest) and turned
// into the V2Request the member replicates or reads with. Each refusal is etcd's error, index 0.
import { EtcdError, ErrorCode } from '../src/store/types.js';
import type { V2Request } from '../src/store/types.js';
import { firstValue } from './form.js';
import type { FormValues, ParsedForm } from './form.js';
import { effectiveTTLSeconds } from './ttl.js';

/** The methods /v2/keys serves. */
export const KEY_METHODS = ['HEAD', 'GET', 'PUT', 'POST', 'DELETE'] as const;
export type KeyMethod = (typeof KEY_METHODS)[number];

export interface KeyRequestInput {
  method: KeyMethod;
  /** The key, cleaned and rooted ("/" for /v2/keys itself). */
  key: string;
  form: ParsedForm;
  /** This member's clock, ms since the epoch: read once, here at the edge. */
  now: number;
}

export interface KeyRequest {
  request: V2Request;
  /** Answer a successful write with the action alone (etcd's noValueOnSuccess). */
  noValueOnSuccess: boolean;
}

const UINT64_MAX = 18446744073709551615n;

/** strconv.ParseUint(s, 10, 64): the digits, or undefined. */
function parseUint64(s: string): string | undefined {
  return /^[0-9]+$/.test(s) && BigInt(s) <= UINT64_MAX ? s : undefined;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool of the first value: undefined when absent, throws `invalid` when malformed. */
function flag(form: FormValues, name: string, invalid: () => EtcdError): boolean | undefined {
  const v = firstValue(form, name);
  if (v === undefined) return undefined;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw invalid();
}

function invalidField(name: string): EtcdError {
  return new EtcdError(ErrorCode.InvalidField, `invalid value for "${name}"`);
}

function index(form: FormValues, name: string): number {
  const v = firstValue(form, name);
  if (v === undefined) return 0;
  const digits = parseUint64(v);
  if (digits === undefined) throw new EtcdError(ErrorCode.IndexNaN, `invalid value for "${name}"`);
  return Number(digits);
}

/** Validates a keys request as etcd does; throws the EtcdError etcd answers with. */
export function parseKeyRequest(input: KeyRequestInput): KeyRequest {
  const { method, form } = input;
  if (form.error !== undefined) throw new EtcdError(ErrorCode.InvalidForm, form.error);
  const values = form.values;
  const prevIndex = index(values, 'prevIndex');
  const waitIndex = index(values, 'waitIndex');
  const recursive = flag(values, 'recursive', () => invalidField('recursive'));
  const sorted = flag(values, 'sorted', () => invalidField('sorted'));
  const wait = flag(values, 'wait', () => invalidField('wait'));
  const dir = flag(values, 'dir', () => invalidField('dir'));
  const quorum = flag(values, 'quorum', () => invalidField('quorum'));
  const stream = flag(values, 'stream', () => invalidField('stream'));
  if (wait && method !== 'GET') throw new EtcdError(ErrorCode.InvalidField, '"wait" can only be used with GET requests');
  const prevValue = firstValue(values, 'prevValue');
  if (prevValue === '') throw new EtcdError(ErrorCode.PrevValueRequired, '"prevValue" cannot be empty');
  const noValueOnSuccess = flag(values, 'noValueOnSuccess', () => invalidField('noValueOnSuccess')) ?? false;
  const ttlText = firstValue(values, 'ttl') ?? '';
  const ttlDigits = ttlText === '' ? undefined : parseUint64(ttlText);
  if (ttlText !== '' && ttlDigits === undefined) throw new EtcdError(ErrorCode.TTLNaN, 'invalid value for "ttl"');
  // etcd names these two without quotes.
  const prevExist = flag(values, 'prevExist', () => new EtcdError(ErrorCode.InvalidField, 'invalid value for prevExist'));
  const refresh = flag(values, 'refresh', () => new EtcdError(ErrorCode.InvalidField, 'invalid value for refresh'));
  const value = firstValue(values, 'value') ?? '';
  if (refresh) {
    if (value !== '') throw new EtcdError(ErrorCode.RefreshValue, 'A value was provided on a refresh');
    if (ttlDigits === undefined) throw new EtcdError(ErrorCode.RefreshTTLRequired, 'No TTL value set');
  }

  // HEAD reads like GET. A GET with quorum becomes etcd's QGET, which ignores wait and stream.
  const linearizable = method === 'GET' && quorum === true;
  const request: V2Request = { method: method === 'HEAD' ? 'GET' : method, path: input.key, time: input.now };
  if (method === 'PUT' || method === 'POST') request.val = value;
  if (dir) request.dir = true;
  if (prevValue !== undefined) request.prevValue = prevValue;
  if (prevIndex > 0) request.prevIndex = prevIndex;
  if (prevExist !== undefined) request.prevExist = prevExist;
  if (ttlDigits !== undefined) {
    const ttl = effectiveTTLSeconds(ttlDigits, input.now);
    if (ttl !== undefined) request.ttl = ttl;
  }
  if (refresh) request.refresh = true;
  if (recursive) request.recursive = true;
  if (sorted) request.sorted = true;
  if (linearizable) request.quorum = true;
  if (wait && !linearizable) {
    request.wait = true;
    if (waitIndex > 0) request.waitIndex = waitIndex;
    if (stream) request.stream = true;
  }
  return { request, noValueOnSuccess };
}
