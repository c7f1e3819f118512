import { describe, expect, it } from 'vitest';
import { EscapeError, escapePath, goQuote, unescape } from '../../api/go-url.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const raw = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('unescape decodes percent escapes like Go', () => {
  it('turns + into a space only in query components', () => {
    expect(text(unescape(raw('a+b%2Bc%20d'), true))).toBe('a b+c d');
    expect(text(unescape(raw('a+b%2F'), false))).toBe('a+b/');
  });

  it('rejects a bad escape naming up to three bytes of it, as etcd quotes it', () => {
    expect(() => unescape(raw('x=%zz'), true)).toThrow(new EscapeError(raw('%zz')));
    expect(() => unescape(raw('%zz'), true)).toThrow('invalid URL escape "%zz"');
    expect(() => unescape(raw('ab%4'), true)).toThrow('invalid URL escape "%4"');
    expect(() => unescape(raw('ab%'), true)).toThrow('invalid URL escape "%"');
  });
});

describe('goQuote is strconv.Quote', () => {
  it('keeps printable text and escapes quotes, controls and invalid bytes', () => {
    expect(goQuote(Buffer.from('%é"\\'))).toBe('"%é\\"\\\\"');
    expect(goQuote(Uint8Array.from([0x25, 0x0a, 0x01, 0xff]))).toBe('"%\\n\\x01\\xff"');
    expect(goQuote(Buffer.from('\u0085\u2028'))).toBe('"\\u0085\\u2028"');
  });
});

describe('escapePath escapes a path as url.URL.EscapedPath does', () => {
  it('leaves unreserved characters and $&+,/:;=@ alone and escapes the rest in upper case', () => {
    expect(escapePath("/a b?c(d)&e%'!*~$+,;=:@")).toBe("/a%20b%3Fc%28d%29&e%25%27%21%2A~$+,;=:@");
  });

  it('escapes bytes beyond ASCII one by one', () => {
    expect(escapePath(Buffer.from('/€').toString('latin1'))).toBe('/%E2%82%AC');
  });
});
