// etcd's --cors, as etcd 3.4's access controller applies it to every client request (observed on
// etcd 3.4.23): when every origin is allowed (the default `*`, or an empty list) the answer says
// `Access-Control-Allow-Origin: *`, whatever the request's Origin and even without one. Otherwise
// the request's first Origin header, compared byte for byte with the listed origins (as etcd
// prints them: `http://a.example:8080`), is echoed when listed; any other origin, or none, gets no
// CORS header at all. The request is answered the same way either way: etcd refuses nothing.
import type { IncomingMessage } from 'node:http';

/** The three headers etcd's addCORSHeader sets, for one allowed origin. */
export type CorsHeaders = Readonly<Record<string, string>>;

export type CorsPolicy = (request: IncomingMessage) => CorsHeaders | undefined;

function corsHeaders(origin: string): CorsHeaders {
  return {
    'Access-Control-Allow-Headers': 'accept, content-type, authorization',
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS, PUT, DELETE',
    'Access-Control-Allow-Origin': origin,
  };
}

const ANY_ORIGIN = corsHeaders('*');

/** Which CORS headers, if any, a request gets under `allowed` (etcd's --cors list). */
export function corsPolicy(allowed: readonly string[]): CorsPolicy {
  if (allowed.length === 0 || allowed.includes('*')) return () => ANY_ORIGIN;
  const origins = new Set(allowed);
  return (request) => {
    const origin = firstOrigin(request);
    return origin !== undefined && origins.has(origin) ? corsHeaders(origin) : undefined;
  };
}

/** As Go's Header.Get: the first Origin header when several are sent (Node joins them with ", "). */
function firstOrigin(request: IncomingMessage): string | undefined {
  if (request.headers.origin === undefined) return undefined;
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'origin') return raw[i + 1];
  }
  return undefined;
}
