// Percent-encoding as Go's net/url does it, error messages included, since etcd's answers quote
// them (`invalid URL escape "%zz"`). Text is handled as bytes: a "byte string" here is a JS string
// whose every character is one byte (latin1), as request targets and form bodies are.
import { utf8SequenceLength } from './go-utf8.js';

/** url.EscapeError: a `%` not followed by two hex digits. */
export class EscapeError extends Error {
  constructor(escape: Uint8Array) {
    super(`invalid URL escape ${goQuote(escape)}`);
    this.name = 'EscapeError';
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * url.PathUnescape (plusIsSpace false) or url.QueryUnescape (plusIsSpace true).
 * Throws EscapeError at the first malformed escape, naming at most its first three bytes.
 */
export function unescape(input: Uint8Array, plusIsSpace: boolean): Uint8Array {
  // Nearly every path and parameter has nothing to unescape: it is then its own answer.
  if (!input.includes(0x25) && !(plusIsSpace && input.includes(0x2b))) return input;
  const out = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === 0x25) {
      const hi = i + 1 < input.length ? hexValue(input[i + 1]!) : -1;
      const lo = i + 2 < input.length ? hexValue(input[i + 2]!) : -1;
      if (hi < 0 || lo < 0) throw new EscapeError(input.subarray(i, i + 3));
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else out[n++] = c === 0x2b && plusIsSpace ? 0x20 : c;
  }
  return out.subarray(0, n);
}

/** Bytes Go leaves unescaped in a path (shouldEscape with encodePath): unreserved plus $&+,/:;=@ */
const PATH_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=@]/;
const UPPER_HEX = '0123456789ABCDEF';

/** url.URL{Path: p}.EscapedPath() for a byte string. */
export function escapePath(bytePath: string): string {
  let out = '';
  for (let i = 0; i < bytePath.length; i++) {
    const ch = bytePath[i]!;
    const c = bytePath.charCodeAt(i);
    out += PATH_SAFE.test(ch) ? ch : '%' + UPPER_HEX[c >> 4]! + UPPER_HEX[c & 15]!;
  }
  return out;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** strconv.Quote: a double-quoted Go string literal for the bytes. */
export function goQuote(bytes: Uint8Array): string {
  let out = '"';
  let i = 0;
  while (i < bytes.length) {
    const width = utf8SequenceLength(bytes, i);
    if (width === 0) {
      out += '\\x' + bytes[i]!.toString(16).padStart(2, '0');
      i++;
      continue;
    }
    const ch = Buffer.from(bytes.subarray(i, i + width)).toString('utf8');
    const code = ch.codePointAt(0)!;
    i += width;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (SHORT_ESCAPES[code] !== undefined) out += SHORT_ESCAPES[code];
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code < 0x10000) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += '\\U' + code.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** The bytes of a byte string. */
export function bytesOf(byteString: string): Uint8Array {
  return Buffer.from(byteString, 'latin1');
}

/** The byte string of some bytes. */
export function byteStringOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}
