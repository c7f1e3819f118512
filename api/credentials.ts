// Who a request says it is: HTTP Basic credentials read as Go's Request.BasicAuth reads them, or,
// with no Authorization header at all, a verified client certificate's names. Nothing read here
// is ever logged.
import type { IncomingMessage } from 'node:http';
import type { Credentials } from '../src/auth/authorizer.js';
import { certificateNames } from './client-cert.js';
import type { SocketLike } from './client-cert.js';

const BASIC = 'basic ';
/** base64.StdEncoding: padded groups of four, nothing else (Go's decoder skips CR and LF). */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** An Authorization header's credentials; the header is text as node read it, one char per byte. */
export function basicCredentials(header: string): Credentials {
  if (header.length < BASIC.length || header.slice(0, BASIC.length).toLowerCase() !== BASIC) return { kind: 'malformed' };
  const encoded = header.slice(BASIC.length).replace(/[\r\n]/g, '');
  if (!STD_BASE64.test(encoded)) return { kind: 'malformed' };
  const decoded = Buffer.from(encoded, 'base64');
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return { kind: 'malformed' };
  return { kind: 'basic', user: strictUtf8(decoded.subarray(0, colon)), password: decoded.subarray(colon + 1) };
}

export function credentialsOf(request: IncomingMessage): Credentials {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    return { kind: 'anonymous', certificateNames: certificateNames(request.socket as SocketLike) };
  }
  return basicCredentials(header);
}
