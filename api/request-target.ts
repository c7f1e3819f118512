// The request target as Go's net/http sees it: the unescaped path (bytes) and the raw query.
// Go rejects a target it cannot parse with a bare 400 before any handler runs; its ServeMux then
// redirects any path that is not clean, which is how etcd answers `//`, `.` and `..`.
import { byteStringOf, bytesOf, unescape } from './go-url.js';
import { originalTarget } from './request-line.js';

export interface RequestTarget {
  /** Unescaped path as a byte string (`%2F` has become `/`). */
  path: string;
  /** The query exactly as sent, still escaped. */
  rawQuery: string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * url.ParseRequestURI of the target the client sent (request-line.ts hands it on when llhttp could
 * not take it as sent); undefined where Go answers 400 Bad Request.
 */
export function parseRequestTarget(parsedUrl: string): RequestTarget | undefined {
  const url = originalTarget(parsedUrl);
  if (/[\x00-\x1f\x7f]/.test(url) || url === '' || url === '*') return undefined;
  let rest = url;
  const scheme = SCHEME.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const q = rest.indexOf('?');
  const rawQuery = q < 0 ? '' : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) return undefined;
  if (scheme && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  // Without an escape (and with nothing beyond a byte) the path is already its byte string.
  if (!/[%\u0100-\uffff]/.test(rest)) return { path: rest, rawQuery };
  try {
    return { path: byteStringOf(unescape(bytesOf(rest), false)), rawQuery };
  } catch {
    return undefined;
  }
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** The path ServeMux serves for `p`: rooted and clean, keeping a trailing slash. */
export function muxCleanPath(p: string): string {
  const rooted = p.startsWith('/') ? p : '/' + p;
  const clean = cleanPath(rooted);
  return rooted.endsWith('/') && clean !== '/' ? clean + '/' : clean;
}
