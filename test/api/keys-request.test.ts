// Checks and messages as etcd 3.4.23 answered them (each also appears in the HTTP corpus).
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../api/form.js';
import type { FormValues, ParsedForm } from '../../api/form.js';
import { parseKeyRequest } from '../../api/keys-request.js';
import type { KeyMethod, KeyRequest } from '../../api/keys-request.js';
import { EtcdError } from '../../src/store/types.js';

const NOW = Date.UTC(2026, 10, 22, 5, 0, 0);

function form(query: string, error?: string): ParsedForm {
  const values: FormValues = new Map();
  parseQuery(Buffer.from(query), values);
  return error === undefined ? { values } : { values, error };
}

function parse(method: KeyMethod, query: string, key = '/k'): KeyRequest {
  return parseKeyRequest({ method, key, form: form(query), now: NOW });
}

function refusal(method: KeyMethod, query: string): { errorCode: number; cause: string; index: number } {
  try {
    parse(method, query);
  } catch (err) {
    if (!(err instanceof EtcdError)) throw err;
    return { errorCode: err.errorCode, cause: err.cause, index: err.index };
  }
  throw new Error(`accepted ${method} ?${query}`);
}

describe('parseKeyRequest builds the V2Request', () => {
  it('a set carries the value, the time and only the parameters given', () => {
    expect(parse('PUT', 'value=v&ttl=5&prevExist=false')).toEqual({
      request: { method: 'PUT', path: '/k', time: NOW, val: 'v', prevExist: false, ttl: 5 },
      noValueOnSuccess: false,
    });
  });

  it('a write without a value writes the empty string; reads and deletes carry no value', () => {
    expect(parse('POST', '').request.val).toBe('');
    expect(parse('GET', 'value=ignored').request).not.toHaveProperty('val');
  });

  it('compare parameters: prevIndex 0 means not given', () => {
    expect(parse('DELETE', 'prevValue=a&prevIndex=0').request).toEqual({ method: 'DELETE', path: '/k', time: NOW, prevValue: 'a' });
    expect(parse('PUT', 'prevIndex=12').request.prevIndex).toBe(12);
  });

  it('flags take every spelling Go accepts', () => {
    for (const yes of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parse('GET', `recursive=${yes}`).request.recursive).toBe(true);
    for (const no of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parse('GET', `recursive=${no}`).request).not.toHaveProperty('recursive');
  });

  it('a watch carries wait, waitIndex and stream', () => {
    expect(parse('GET', 'wait=true&waitIndex=7&stream=true&recursive=true').request).toEqual({
      method: 'GET',
      path: '/k',
      time: NOW,
      recursive: true,
      wait: true,
      waitIndex: 7,
      stream: true,
    });
  });

  it('a quorum get ignores wait and stream, as etcd turns it into QGET', () => {
    expect(parse('GET', 'wait=true&stream=true&quorum=true').request).toEqual({ method: 'GET', path: '/k', time: NOW, quorum: true });
  });

  it('a head reads like a get, locally', () => {
    expect(parse('HEAD', 'quorum=true&sorted=true').request).toEqual({ method: 'GET', path: '/k', time: NOW, sorted: true });
  });

  it('a refresh needs a ttl and takes an empty value', () => {
    expect(parse('PUT', 'refresh=true&ttl=9&value=').request).toEqual({ method: 'PUT', path: '/k', time: NOW, val: '', ttl: 9, refresh: true });
  });

  it('an empty ttl is permanent; an overflowing one is permanent as in etcd', () => {
    expect(parse('PUT', 'value=1&ttl=').request).not.toHaveProperty('ttl');
    expect(parse('PUT', 'value=1&ttl=9000000000').request).not.toHaveProperty('ttl');
  });

  it('noValueOnSuccess is the api\'s own and stays out of the request', () => {
    const parsed = parse('PUT', 'value=1&noValueOnSuccess=true');
    expect(parsed.noValueOnSuccess).toBe(true);
    expect(parsed.request).not.toHaveProperty('noValueOnSuccess');
  });

  it('the first of repeated values counts', () => {
    expect(parse('PUT', 'value=a&value=b&ttl=1&ttl=x').request).toMatchObject({ val: 'a', ttl: 1 });
  });
});

describe('parseKeyRequest refuses as etcd does, with index 0', () => {
  it('a form error is 210 with its message', () => {
    expect(() => parseKeyRequest({ method: 'PUT', key: '/k', form: form('', 'http: POST too large'), now: NOW })).toThrow(
      expect.objectContaining({ errorCode: 210, cause: 'http: POST too large', index: 0 }),
    );
  });

  it('indexes must be unsigned 64-bit integers: 203', () => {
    expect(refusal('PUT', 'prevIndex=abc')).toEqual({ errorCode: 203, cause: 'invalid value for "prevIndex"', index: 0 });
    expect(refusal('PUT', 'prevIndex=')).toEqual({ errorCode: 203, cause: 'invalid value for "prevIndex"', index: 0 });
    expect(refusal('GET', 'waitIndex=-1')).toEqual({ errorCode: 203, cause: 'invalid value for "waitIndex"', index: 0 });
    expect(refusal('GET', 'waitIndex=18446744073709551616')).toMatchObject({ errorCode: 203 });
  });

  it('a flag with no or a bad value is 209 naming it in quotes', () => {
    for (const name of ['recursive', 'sorted', 'wait', 'dir', 'quorum', 'stream', 'noValueOnSuccess']) {
      expect(refusal('GET', `${name}`)).toEqual({ errorCode: 209, cause: `invalid value for "${name}"`, index: 0 });
      expect(refusal('GET', `${name}=yes`)).toEqual({ errorCode: 209, cause: `invalid value for "${name}"`, index: 0 });
    }
  });

  it('prevExist and refresh are named without quotes', () => {
    expect(refusal('PUT', 'prevExist=maybe')).toEqual({ errorCode: 209, cause: 'invalid value for prevExist', index: 0 });
    expect(refusal('PUT', 'refresh=x')).toEqual({ errorCode: 209, cause: 'invalid value for refresh', index: 0 });
  });

  it('wait is only for GET', () => {
    for (const method of ['PUT', 'POST', 'DELETE', 'HEAD'] as const) {
      expect(refusal(method, 'wait=true')).toEqual({ errorCode: 209, cause: '"wait" can only be used with GET requests', index: 0 });
    }
  });

  it('an empty prevValue is 201', () => {
    expect(refusal('PUT', 'value=1&prevValue=')).toEqual({ errorCode: 201, cause: '"prevValue" cannot be empty', index: 0 });
  });

  it('a ttl that is not an unsigned integer is 202', () => {
    for (const ttl of ['-1', '1.5', 'abc', '+5', '0x10', '18446744073709551616']) {
      expect(refusal('PUT', `value=1&ttl=${encodeURIComponent(ttl)}`)).toEqual({ errorCode: 202, cause: 'invalid value for "ttl"', index: 0 });
    }
  });

  it('a refresh with a value is 211, without a ttl 212', () => {
    expect(refusal('PUT', 'refresh=true&ttl=5&value=x')).toEqual({ errorCode: 211, cause: 'A value was provided on a refresh', index: 0 });
    expect(refusal('PUT', 'refresh=true')).toEqual({ errorCode: 212, cause: 'No TTL value set', index: 0 });
  });

  it('checks in etcd\'s order: indexes, flags, wait, prevValue, noValueOnSuccess, ttl, prevExist, refresh', () => {
    expect(refusal('PUT', 'recursive=x&prevIndex=x').errorCode).toBe(203);
    expect(refusal('PUT', 'wait=true&dir=x').cause).toBe('invalid value for "dir"');
    expect(refusal('PUT', 'prevValue=&wait=true').errorCode).toBe(209);
    expect(refusal('PUT', 'ttl=x&prevValue=').errorCode).toBe(201);
    expect(refusal('PUT', 'ttl=x&noValueOnSuccess=x').errorCode).toBe(209);
    expect(refusal('PUT', 'prevExist=x&ttl=x').errorCode).toBe(202);
    expect(refusal('PUT', 'refresh=x&prevExist=x').cause).toBe('invalid value for prevExist');
  });
});
