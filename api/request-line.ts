// The request line Go parses and Node's HTTP parser (llhttp) refuses: bytes ≥0x80 in the target
// (Go keeps them as they are) and a method llhttp does not know, such as `get` (Go takes any
// token, and etcd answers 405). rewriteRequestLine turns such a line into one llhttp takes;
// originalTarget gives the app back the target exactly as sent.
import { randomBytes } from 'node:crypto';
import { METHODS } from 'node:http';
import { byteStringOf, bytesOf, unescape } from './go-url.js';

/**
 * A target carrying another: `/<secret>/<the original, escaped>`. The secret is new in every
 * process and never sent out, so no client can name a path that reads as a carried target.
 */
const CARRIER = `/${randomBytes(16).toString('hex')}/`;
const KNOWN_METHODS = new Set(METHODS);
/**
 * What a method llhttp does not know becomes: one neither Go, etcd nor raftkv treats specially,
 * so it is answered as etcd answers any method a handler does not serve.
 */
export const STAND_IN_METHOD = 'PROPFIND';
/** RFC 7230 tchar: what Go's validMethod accepts. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const UNRESERVED = /[A-Za-z0-9\-._~/]/;

function carry(target: Buffer): string {
  let out = CARRIER;
  for (const b of target) {
    const ch = String.fromCharCode(b);
    out += UNRESERVED.test(ch) ? ch : '%' + b.toString(16).padStart(2, '0');
  }
  return out;
}

/** The target as the client sent it (a byte string), given the one llhttp parsed. */
export function originalTarget(url: string): string {
  return url.startsWith(CARRIER) ? byteStringOf(unescape(bytesOf(url.slice(CARRIER.length)), false)) : url;
}

/** What llhttp refuses as Go would the line: an invalid method, so the client gets Go's bare 400. */
const REFUSED_LINE = Buffer.from('\0\r\n', 'latin1');

/**
 * The line (ending in LF) as llhttp can take it, or undefined when it can take it as it is. A line
 * Go refuses llhttp refuses too (no two spaces, a method that is no token), except one with an
 * empty target or version, which llhttp reads past: that line is made one llhttp refuses.
 */
export function rewriteRequestLine(line: Buffer): Buffer | undefined {
  const methodEnd = line.indexOf(0x20);
  if (methodEnd <= 0) return undefined;
  const targetEnd = line.indexOf(0x20, methodEnd + 1);
  if (targetEnd < 0) return undefined;
  const method = line.toString('latin1', 0, methodEnd);
  const target = line.subarray(methodEnd + 1, targetEnd);
  if (target.length === 0 || line[targetEnd + 1] === 0x20) return REFUSED_LINE;
  const foreignMethod = !KNOWN_METHODS.has(method) && TOKEN.test(method);
  const rawBytes = target.some((b) => b >= 0x80);
  if (!foreignMethod && !rawBytes) return undefined;
  const head = `${foreignMethod ? STAND_IN_METHOD : method} ${rawBytes ? carry(target) : target.toString('latin1')}`;
  return Buffer.concat([Buffer.from(head, 'latin1'), line.subarray(targetEnd)]);
}
