// A peer URL names where a member listens (`http://10.0.0.1:2380`, or `https://` for TLS); the
// transport speaks its own framed protocol there, so only the scheme, host and port matter.

export interface PeerAddress {
  host: string;
  port: number;
  /** https: the connection is TLS. */
  secure: boolean;
}

/** Throws on anything that is not http(s)://host:port. */
export function parsePeerUrl(url: string): PeerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid peer URL ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`peer URL ${url}: scheme must be http or https`);
  if (parsed.port === '') throw new Error(`peer URL ${url} has no port`);
  // IPv6 literals come back bracketed ("[::1]"); sockets want them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(parsed.port), secure: parsed.protocol === 'https:' };
}

export function sameAddress(a: PeerAddress, b: PeerAddress): boolean {
  return a.host === b.host && a.port === b.port && a.secure === b.secure;
}
