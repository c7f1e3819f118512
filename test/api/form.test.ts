// Go's ParseForm rules, each seen on etcd 3.4.23 (see the corpus for the HTTP-level twins).
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { mergeForm, parseQuery, planBody } from '../../api/form.js';
import type { FormValues } from '../../api/form.js';
import { POST_TOO_LARGE, readForm } from '../../api/form-body.js';

const FORM = 'application/x-www-form-urlencoded';

function query(text: string): { values: FormValues; error: string | undefined } {
  const values: FormValues = new Map();
  const error = parseQuery(Buffer.from(text, 'latin1'), values);
  return { values, error };
}

function requestWithBody(body: string): IncomingMessage {
  return Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
}

describe('parseQuery', () => {
  it('keeps every value in order, decodes + and escapes, and allows names without values', () => {
    const { values, error } = query('value=a+b%26&value=second&flag&=x&&empty=');
    expect(error).toBeUndefined();
    expect([...values]).toEqual([
      ['value', ['a b&', 'second']],
      ['flag', ['']],
      ['', ['x']],
      ['empty', ['']],
    ]);
  });

  it('decodes escaped bytes Go-style, invalid UTF-8 becoming U+FFFD per byte', () => {
    expect(query('v=%E2%82%AC%FF').values.get('v')).toEqual(['€\ufffd']);
  });

  it('reports the first bad escape but keeps the good pairs', () => {
    const { values, error } = query('a=%zz&b=1&c=%yy');
    expect(error).toBe('invalid URL escape "%zz"');
    expect([...values]).toEqual([['b', ['1']]]);
  });

  it('reports a semicolon over an earlier bad escape, as Go 1.19 overwrites it', () => {
    expect(query('a=%zz&b;c=1').error).toBe('invalid semicolon separator in query');
    expect(query('b;c=1&a=%zz').error).toBe('invalid semicolon separator in query');
  });
});

describe('planBody decides which bodies Go parses as a form', () => {
  it('reads only PUT, POST and PATCH bodies typed as forms', () => {
    expect(planBody('PUT', FORM)).toEqual({ read: true });
    expect(planBody('POST', `${FORM}; charset=utf-8`)).toEqual({ read: true });
    expect(planBody('GET', FORM)).toEqual({ read: false });
    expect(planBody('DELETE', FORM)).toEqual({ read: false });
  });

  it('ignores JSON, text and untyped bodies', () => {
    expect(planBody('PUT', 'application/json')).toEqual({ read: false });
    expect(planBody('PUT', 'text/plain')).toEqual({ read: false });
    expect(planBody('PUT', undefined)).toEqual({ read: false });
  });

  it('reports a malformed type, still reading a form whose parameters are broken', () => {
    expect(planBody('PUT', `${FORM}; charset`)).toEqual({ read: true, error: 'mime: invalid media parameter' });
    expect(planBody('PUT', 'text/')).toEqual({ read: false, error: 'mime: expected token after slash' });
    expect(planBody('GET', 'text/')).toEqual({ read: false });
  });
});

describe('mergeForm', () => {
  it('puts body values before the query values, so the body wins', () => {
    const body = query('value=body');
    const merged = mergeForm({ values: body.values }, 'value=query&ttl=5');
    expect([...merged.values]).toEqual([
      ['value', ['body', 'query']],
      ['ttl', ['5']],
    ]);
  });

  it("prefers the body's error to the query's", () => {
    expect(mergeForm({ values: new Map(), error: 'mime: no media type' }, 'a=%zz').error).toBe('mime: no media type');
    expect(mergeForm({ values: new Map() }, 'a=%zz').error).toBe('invalid URL escape "%zz"');
  });
});

describe('readForm', () => {
  it('reads a form body and merges the query after it', async () => {
    const form = await readForm({ raw: requestWithBody('value=b'), method: 'PUT', contentType: FORM, rawQuery: 'value=q', maxBodyBytes: 100 });
    expect(form).toEqual({ values: new Map([['value', ['b', 'q']]]), abandoned: false });
  });

  it('refuses a form body over the limit with Go\'s message, leaving it unread', async () => {
    const form = await readForm({ raw: requestWithBody('value=12345'), method: 'PUT', contentType: FORM, rawQuery: 'value=q', maxBodyBytes: 10 });
    expect(form).toEqual({ values: new Map(), error: POST_TOO_LARGE, abandoned: true });
  });

  it('accepts a form body of exactly the limit', async () => {
    const form = await readForm({ raw: requestWithBody('value=1234'), method: 'PUT', contentType: FORM, rawQuery: '', maxBodyBytes: 10 });
    expect(form.error).toBeUndefined();
  });

  it('does not read a body Go would not parse', async () => {
    const raw = requestWithBody('value=x');
    const form = await readForm({ raw, method: 'PUT', contentType: 'application/json', rawQuery: '', maxBodyBytes: 1 });
    expect(form).toEqual({ values: new Map(), abandoned: false });
    expect(raw.readableEnded).toBe(false);
  });
});
