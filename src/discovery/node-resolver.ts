// The SrvResolver over node's DNS. By default SRV records come from the system's DNS servers and
// addresses from the system's resolver (/etc/hosts too, as Go's); given `servers` (a test's own
// DNS server), everything is asked of those.
import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SrvResolver } from './srv.js';

export function nodeSrvResolver(servers?: string[]): SrvResolver {
  const resolver = new Resolver();
  if (servers) resolver.setServers(servers);
  return {
    resolveSrv: (name) => resolver.resolveSrv(name),
    // As Go's net.ResolveTCPAddr: an IPv4 address when the host has one.
    lookupAddress: async (host) => {
      if (isIP(host)) return host;
      if (!servers) return (await lookup(host, { family: 4 }).catch(() => lookup(host))).address;
      const v4 = await resolver.resolve4(host).catch(() => []);
      return v4[0] ?? (await resolver.resolve6(host))[0]!;
    },
  };
}
