// Expectations are etcd 3.4.23's own bytes (a value set through PUT and read back).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goJSON, goString } from '../../api/go-json.js';
import { EtcdError, ErrorCode } from '../../src/store/types.js';

describe('goString writes strings as Go 1.19 encoding/json does', () => {
  it('for any text: valid JSON of the same string (lone surrogates as U+FFFD), no raw character Go escapes', () => {
    const unit = fc.oneof(fc.constantFrom('a', 'Z', '/', ' ', 'é', '<', '&', '"', '\\', '\n', '\u2028', '\ufffd', '\ud83d\ude00'), fc.nat(0xffff).map((c) => String.fromCharCode(c)));
    fc.assert(fc.property(fc.string({ unit, maxLength: 40 }), (s) => {
      const out = goString(s);
      expect(JSON.parse(out)).toBe(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
      expect(out.slice(1, -1)).not.toMatch(/[\u0000-\u001f<>&\u2028\u2029\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }), { numRuns: 2000 });
  });

  it('escapes <, > and & for HTML and quotes and backslashes as usual', () => {
    expect(goString('<b>&"\\')).toBe('"\\u003cb\\u003e\\u0026\\"\\\\"');
  });

  it('escapes U+2028 and U+2029 but writes other non-ASCII text as is', () => {
    expect(goString('\u2028\u2029€😀é')).toBe('"\\u2028\\u2029€😀é"');
  });

  it('writes \\n \\r \\t short, other controls (\\b and \\f too) as \\u00XX, and DEL raw', () => {
    expect(goString('\n\r\t\b\f\u0001\u001f\u007f')).toBe('"\\n\\r\\t\\u0008\\u000c\\u0001\\u001f\u007f"');
  });

  it('writes U+FFFD (an invalid byte, once decoded) and a lone surrogate as \\ufffd', () => {
    expect(goString('a\ufffdb')).toBe('"a\\ufffdb"');
    expect(goString('x\ud800y\udc00')).toBe('"x\\ufffdy\\ufffd"');
  });
});

describe('goJSON writes values as json.Marshal does', () => {
  it('keeps object fields in insertion order and leaves undefined ones out', () => {
    expect(goJSON({ b: 1, a: 'x', skipped: undefined, c: [true, null, 2.5] })).toBe('{"b":1,"a":"x","c":[true,null,2.5]}');
  });

  it('writes an etcd error through its toJSON, cause left out when empty', () => {
    expect(goJSON(new EtcdError(ErrorCode.KeyNotFound, '/a<b', 7))).toBe(
      '{"errorCode":100,"message":"Key not found","cause":"/a\\u003cb","index":7}',
    );
    expect(goJSON(new EtcdError(ErrorCode.NotFile, '', 3))).toBe('{"errorCode":102,"message":"Not a file","index":3}');
  });

  it('writes numbers in their shortest form and non-finite ones as null', () => {
    expect(goJSON([0, -3, 1e21, 1e-7, 0.1, Number.NaN])).toBe('[0,-3,1e+21,1e-7,0.1,null]');
  });
});
