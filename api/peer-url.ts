// A member's peer URL checked as etcd's types.NewURLs checks it: Go's url.Parse must accept it
// (its errors quoted as Go words them), the scheme must be http(s) or unix(s), the host must
// have a port and there must be no path.
import { EscapeError, goQuote, unescape } from './go-url.js';

const quote = (s: string): string => goQuote(Buffer.from(s, 'utf8'));

/** Characters Go allows unescaped in a host (shouldEscape with encodeHost). */
const HOST_CHAR = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/;

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** url.Parse's scheme detection: the scheme, or '' when there is none, or an error. */
function schemeOf(url: string): string | { error: string } {
  for (let i = 0; i < url.length; i++) {
    const c = url[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return '';
      continue;
    }
    if (c === ':') return i === 0 ? { error: 'missing protocol scheme' } : url.slice(0, i);
    return '';
  }
  return '';
}

/** The host's own errors: a bad port, a `%` escape of ASCII, a character hosts cannot have. */
function hostError(host: string): string | undefined {
  const bracket = host.startsWith('[') ? host.lastIndexOf(']') : -1;
  if (host.startsWith('[') && bracket < 0) return "missing ']' in host";
  const colon = host.lastIndexOf(':');
  const port = bracket >= 0 ? host.slice(bracket + 1) : colon >= 0 ? host.slice(colon) : '';
  if (!validOptionalPort(port)) return `invalid port ${quote(port)} after host`;
  for (let i = 0; i < host.length; i++) {
    const c = host[i]!;
    if (c === '%') {
      const escape = host.slice(i, i + 3);
      if (!/^%[0-9A-Fa-f]{2}$/.test(escape) || (parseInt(escape[1]!, 16) < 8 && escape !== '%25')) {
        return new EscapeError(Buffer.from(escape, 'utf8')).message;
      }
      i += 2;
    } else if (c.charCodeAt(0) < 0x80 && !HOST_CHAR.test(c)) return `invalid character ${quote(c)} in host name`;
  }
  return undefined;
}

function escapeError(text: string, plusIsSpace: boolean): string | undefined {
  try {
    unescape(Buffer.from(text, 'utf8'), plusIsSpace);
    return undefined;
  } catch (err) {
    if (err instanceof EscapeError) return err.message;
    throw err;
  }
}

interface ParsedURL {
  scheme: string;
  host: string;
  path: string;
}

/** Go's url.Parse, reduced to the parts NewURLs looks at. */
function parseURL(url: string): ParsedURL | { error: string } {
  const fail = (message: string): { error: string } => ({ error: `parse ${quote(url)}: ${message}` });
  if (/[\x00-\x1f\x7f]/.test(url)) return fail('net/url: invalid control character in URL');
  const hash = url.indexOf('#');
  const main = hash < 0 ? url : url.slice(0, hash);
  const scheme = schemeOf(main);
  if (typeof scheme !== 'string') return fail(scheme.error);
  let rest = main.slice(scheme === '' ? 0 : scheme.length + 1).split('?')[0]!;
  let host = '';
  if (!rest.startsWith('/') && scheme !== '') rest = ''; // opaque: no host, no path
  else if (!rest.startsWith('/') && (rest.split('/')[0] ?? '').includes(':')) return fail('first path segment in URL cannot contain colon');
  else if (rest.startsWith('//') && (scheme !== '' || !rest.startsWith('///'))) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    const error = hostError(host);
    if (error !== undefined) return fail(error);
  }
  const error = escapeError(rest, false) ?? (hash < 0 ? undefined : escapeError(url.slice(hash + 1), false));
  if (error !== undefined) return fail(error);
  return { scheme: scheme.toLowerCase(), host, path: rest };
}

/** net.SplitHostPort succeeds. */
function hasHostPort(hostport: string): boolean {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    return end > 0 && hostport[end + 1] === ':' && !/[[\]:]/.test(hostport.slice(end + 2));
  }
  const colon = hostport.lastIndexOf(':');
  return colon >= 0 && !/[[\]:]/.test(hostport.slice(0, colon)) && !/[[\]]/.test(hostport.slice(colon + 1));
}

/** The URL as etcd keeps it (scheme lower-cased), or the message etcd refuses it with. */
export function checkPeerURL(text: string): { url: string } | { error: string } {
  const url = text.trim();
  const parsed = parseURL(url);
  if ('error' in parsed) return parsed;
  if (!['http', 'https', 'unix', 'unixs'].includes(parsed.scheme)) return { error: `URL scheme must be http, https, unix, or unixs: ${url}` };
  if (!hasHostPort(parsed.host)) return { error: `URL address does not have the form "host:port": ${url}` };
  if (parsed.path !== '') return { error: `URL must not contain a path: ${url}` };
  return { url: parsed.scheme + url.slice(parsed.scheme.length) };
}
