// Every message here is what etcd 3.4.23 answered to POST /v2/members with that body.
import { describe, expect, it } from 'vitest';
import { goJSONSyntaxError } from '../../api/go-json-syntax.js';
import { memberContentTypeRefusal, parsePeerURLsBody } from '../../api/member-request.js';

const body = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const refusalOf = (text: string): unknown => parsePeerURLsBody(body(text));

describe("goJSONSyntaxError words syntax errors as Go's scanner does", () => {
  it.each([
    ['', 'unexpected end of JSON input'],
    ['  ', 'unexpected end of JSON input'],
    ['"ab', 'unexpected end of JSON input'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', 'invalid character \'"\' after object key:value pair'],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":1}x', "invalid character 'x' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['"a\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
  ])('%j', (text, message) => {
    expect(goJSONSyntaxError(body(text))).toBe(message);
  });

  it('a literal or number cut by the end of input fails on the space Go feeds its scanner', () => {
    expect(goJSONSyntaxError(body('tru'))).toBe("invalid character ' ' in literal true (expecting 'e')");
    expect(goJSONSyntaxError(body('nul'))).toBe("invalid character ' ' in literal null (expecting 'l')");
    expect(goJSONSyntaxError(body('-'))).toBe("invalid character ' ' in numeric literal");
  });

  it('refuses nesting deeper than 10000 without exhausting the stack', () => {
    expect(goJSONSyntaxError(body('['.repeat(10000) + ']'.repeat(10000)))).toBeUndefined();
    expect(goJSONSyntaxError(body('['.repeat(10001) + ']'.repeat(10001)))).toBe("invalid character '[' exceeded max depth");
    expect(goJSONSyntaxError(body('{"a":'.repeat(200000)))).toBe("invalid character '{' exceeded max depth");
  });

  it('accepts valid JSON', () => {
    expect(goJSONSyntaxError(body(' {"a":[1,-2.5e+3,"x\\u00e9",true,false,null],"b":{}} '))).toBeUndefined();
  });
});

describe('parsePeerURLsBody', () => {
  it('returns the URLs sorted, scheme lower-cased, matching the field name case-insensitively', () => {
    expect(refusalOf('{"PEERURLS":["http://b:2"," HTTP://a:1 "]}')).toEqual(['http://a:1', 'http://b:2']);
  });

  it.each([
    ['null', 'no valid URLs given'],
    ['{}', 'no valid URLs given'],
    ['{"peerURLs":[null]}', 'URL scheme must be http, https, unix, or unixs: '],
    ['{"peerURLs":["foo"]}', 'URL scheme must be http, https, unix, or unixs: foo'],
    ['{"peerURLs":["http://[::1]"]}', 'URL address does not have the form "host:port": http://[::1]'],
    ['{"peerURLs":["unix:foo"]}', 'URL address does not have the form "host:port": unix:foo'],
    ['{"peerurls":["http://a:1/x"]}', 'URL must not contain a path: http://a:1/x'],
    ['{"peerURLs":[":x"]}', 'parse ":x": missing protocol scheme'],
    ['{"peerURLs":["http://a%zz:1"]}', 'parse "http://a%zz:1": invalid URL escape "%zz"'],
    ['{"peerURLs":[1]}', 'json: cannot unmarshal number into Go struct field .peerURLs of type string'],
    ['{"peerURLs":[true]}', 'json: cannot unmarshal bool into Go struct field .peerURLs of type string'],
    ['{"peerURLs":{}}', 'json: cannot unmarshal object into Go struct field .peerURLs of type []string'],
    ['5', 'json: cannot unmarshal number into Go value of type struct { PeerURLs []string "json:\\"peerURLs\\"" }'],
    ['{"a" 1}', "invalid character '1' after object key"],
  ])('refuses %s with 400 %j', (text, message) => {
    expect(refusalOf(text)).toEqual({ status: 400, message });
  });

  it('accepts what etcd accepts beside a plain host:port: a query, a fragment, user info, IPv6', () => {
    expect(refusalOf('{"peerURLs":["http://a:1?x=1","http://u@b:1#f","http://[::1]:5"]}')).toEqual([
      'http://[::1]:5',
      'http://a:1?x=1',
      'http://u@b:1#f',
    ]);
  });
});

describe('memberContentTypeRefusal', () => {
  it('wants application/json, lower-casing and trimming only before a semicolon', () => {
    expect(memberContentTypeRefusal('application/json')).toBeUndefined();
    expect(memberContentTypeRefusal(' Application/JSON ; charset=utf-8')).toBeUndefined();
    expect(memberContentTypeRefusal('Application/JSON')).toEqual({ status: 415, message: 'Bad Content-Type Application/JSON, accept application/json' });
    expect(memberContentTypeRefusal(undefined)).toEqual({ status: 415, message: 'Bad Content-Type , accept application/json' });
  });
});
