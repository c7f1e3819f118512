// etcd's URL lists ("http://10.0.0.1:2380,http://10.0.0.2:2380"): each URL parsed as Go's net/url
// would, then held to etcd's rules (scheme http/https/unix/unixs, a host:port, no path), with
// etcd's error messages. A URL is kept as Go prints it back (scheme lowercased) and a list is sorted.
import { GoValueError } from './go-values.js';

export interface HostPort {
  host: string;
  port: string;
}

export interface EtcdUrl extends HostPort {
  scheme: string;
  /** As Go's url.URL.String() prints it; member ids hash this form. */
  text: string;
}

const SCHEMES = ['http', 'https', 'unix', 'unixs'];

/** types.NewURLs over a comma-separated flag value. */
export function parseUrlList(value: string): EtcdUrl[] {
  return value
    .split(',')
    .map((item) => parseEtcdUrl(item.trim()))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

export function parseEtcdUrl(raw: string): EtcdUrl {
  const { scheme, authority, rest } = splitGoUrl(raw);
  if (!SCHEMES.includes(scheme)) throw new GoValueError(`URL scheme must be http, https, unix, or unixs: ${raw}`);
  const hostPort = authority === undefined ? undefined : splitHostPort(authority.slice(authority.lastIndexOf('@') + 1));
  if (!hostPort) throw new GoValueError(`URL address does not have the form "host:port": ${raw}`);
  if (rest !== '') throw new GoValueError(`URL must not contain a path: ${raw}`);
  return { scheme, ...hostPort, text: `${scheme}://${authority}` };
}

/** net.SplitHostPort: "host:port" or "[ipv6]:port"; undefined when there is no port separator. */
export function splitHostPort(hostport: string): HostPort | undefined {
  const match = /^\[([^\]]*)\]:([^:]*)$/.exec(hostport) ?? /^([^:[\]]*):([^:]*)$/.exec(hostport);
  return match ? { host: match[1]!, port: match[2]! } : undefined;
}

/**
 * The part of Go's url.Parse that etcd's checks depend on, with its errors for the two mistakes
 * people make: a bare "host:port" and a non-numeric port.
 */
function splitGoUrl(raw: string): { scheme: string; authority: string | undefined; rest: string } {
  const quoted = JSON.stringify(raw);
  if (raw.startsWith(':')) throw new GoValueError(`parse ${quoted}: missing protocol scheme`);
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  if (!schemeMatch) {
    if (/^[^/?#]*:/.test(raw)) throw new GoValueError(`parse ${quoted}: first path segment in URL cannot contain colon`);
    return { scheme: '', authority: undefined, rest: raw };
  }
  const scheme = schemeMatch[1]!.toLowerCase();
  const afterScheme = raw.slice(schemeMatch[0].length);
  if (!afterScheme.startsWith('//')) return { scheme, authority: undefined, rest: afterScheme };
  const authorityEnd = afterScheme.slice(2).search(/[/?#]/);
  const authority = authorityEnd === -1 ? afterScheme.slice(2) : afterScheme.slice(2, 2 + authorityEnd);
  const port = /:([^:\]]*)$/.exec(authority.slice(authority.lastIndexOf('@') + 1))?.[1];
  if (port !== undefined && !/^[0-9]*$/.test(port)) throw new GoValueError(`parse ${quoted}: invalid port ":${port}" after host`);
  return { scheme, authority, rest: authorityEnd === -1 ? '' : afterScheme.slice(2 + authorityEnd) };
}
