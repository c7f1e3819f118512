// etcd's DNS SRV bootstrap (embed.Config.GetDNSClusterNames over pkg/srv.GetCluster). Each SRV
// record becomes one member `name=scheme://target:port`; a record whose target resolves to the
// same address as one of this member's advertised peer URLs is this member (its name), the others
// are named 0, 1, … until they publish their names. Lookups go through the SrvResolver seam.

export interface SrvResolver {
  /** SRV records of `name`; rejects when there are none. */
  resolveSrv(name: string): Promise<{ name: string; port: number; priority: number; weight: number }[]>;
  /** An address of `host` (an IP literal is its own); rejects when it has none. */
  lookupAddress(host: string): Promise<string>;
}

export interface SrvQuery {
  /** The --discovery-srv domain. */
  domain: string;
  /** --discovery-srv-name: the services become etcd-server-ssl-<name> and etcd-server-<name>. */
  serviceName: string;
  /** This member's --name and --initial-advertise-peer-urls. */
  name: string;
  advertisePeerUrls: readonly string[];
}

/**
 * etcd 3.4's GetDNSClusterNames, including its quirk: the _etcd-server (http) answer is only
 * appended when its own lookup failed, which leaves nothing to append, and the _etcd-server-ssl
 * lookup's error is returned. So only https members are found, and without _etcd-server-ssl
 * records discovery fails with that lookup's error.
 */
export async function srvClusterPairs(query: SrvQuery, resolver: SrvResolver): Promise<string[]> {
  const suffix = query.serviceName ? `-${query.serviceName}` : '';
  // etcd 3.4 also looks up _etcd-server; as it never uses the answer, raftkv does not ask.
  return srvPairs('https', `etcd-server-ssl${suffix}`, query, resolver);
}

/** pkg/srv.GetCluster for one service. */
async function srvPairs(scheme: string, service: string, query: SrvQuery, resolver: SrvResolver): Promise<string[]> {
  const own = new Map<string, URL>();
  for (const raw of query.advertisePeerUrls) {
    const url = new URL(raw);
    own.set(await tcpAddress(url.hostname, url.port, resolver), url);
  }
  const srvName = `_${service}._tcp.${query.domain}`;
  let records;
  try {
    records = await resolver.resolveSrv(srvName);
  } catch (err) {
    throw new Error(`error querying DNS SRV records for _${service} ${lookupError(srvName, err)}`);
  }
  // Go orders SRV answers by priority (and shuffles by weight within one).
  records = [...records].sort((a, b) => a.priority - b.priority);
  const pairs: string[] = [];
  let tempName = 0;
  let lastError: Error | undefined;
  for (const record of records) {
    const target = record.name.replace(/\.$/, '');
    let address;
    try {
      address = await tcpAddress(target, String(record.port), resolver);
    } catch (err) {
      lastError = new Error(lookupError(target, err));
      continue;
    }
    const mine = own.get(address);
    const name = mine ? query.name : String(tempName++);
    const hostPort = `${target.includes(':') ? `[${target}]` : target}:${record.port}`;
    if (mine && mine.protocol !== `${scheme}:`) {
      lastError = new Error(`bootstrap at ${scheme}://${hostPort} from DNS for ${service} has scheme mismatch with expected peer ${mine.href.replace(/\/$/, '')}`);
    } else {
      pairs.push(`${name}=${scheme}://${hostPort}`);
    }
  }
  if (pairs.length === 0) throw new Error(`error querying DNS SRV records for _${service} ${lastError?.message ?? 'no records'}`);
  return pairs;
}

/** net.ResolveTCPAddr(...).String(): ip:port, an IPv6 address bracketed. */
async function tcpAddress(host: string, port: string, resolver: SrvResolver): Promise<string> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const ip = await resolver.lookupAddress(bare);
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Go's DNS error text: "lookup <name>: no such host" (node's own message otherwise). */
function lookupError(name: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  return code === 'ENOTFOUND' || code === 'ENODATA' ? `lookup ${name}: no such host` : `lookup ${name}: ${(err as Error).message}`;
}
