// A peer URL names where a member listens (`http://10.0.0.1:2380`); the transport speaks its own
// framed protocol on that host and port, so only those two parts matter.

export interface PeerAddress {
  host: string;
  port: number;
}

/** Throws on anything that is not http://host:port (TLS peer URLs are not supported yet). */
export function parsePeerUrl(url: string): PeerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid peer URL ${JSON.stringify(url)}`);
  }
  if (parsed.protocol === 'https:') throw new Error(`peer URL ${url}: TLS peer URLs are not supported`);
  if (parsed.protocol !== 'http:') throw new Error(`peer URL ${url}: scheme must be http`);
  if (parsed.port === '') throw new Error(`peer URL ${url} has no port`);
  // IPv6 literals come back bracketed ("[::1]"); sockets want them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(parsed.port) };
}
