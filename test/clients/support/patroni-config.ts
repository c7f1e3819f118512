// One Patroni node's YAML configuration, as an operator would write it for an etcd (v2) DCS.
import { stringify } from 'yaml';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * Patroni's timing, set small for a test. Its documented rule is ttl >= loop_wait + 2 * retry_timeout:
 * a primary that cannot refresh the leader key retries for retry_timeout, and the key must outlive
 * that (twice over, with the loop's sleep between). retry_timeout 5 gives each of the three etcd
 * hosts ~1.7 s per request, room for a raftkv election (election timeout 500 ms) on a busy machine.
 */
export const DCS_TIMING = { ttl: 12, loop_wait: 1, retry_timeout: 5 } as const;

export interface PatroniNodeSpec {
  scope: string;
  name: string;
  restPort: number;
  pgPort: number;
  /** Owned by the postgres user: data_dir, the socket and pgpass live under it. */
  dir: string;
  /** raftkv client URLs. */
  etcdUrls: string[];
}

export function patroniConfig(node: PatroniNodeSpec): string {
  const hosts = node.etcdUrls.map((url) => new URL(url).host).join(',');
  return stringify({
    scope: node.scope,
    namespace: '/service/',
    name: node.name,
    log: { level: 'INFO' },
    restapi: { listen: `127.0.0.1:${node.restPort}`, connect_address: `127.0.0.1:${node.restPort}` },
    // Patroni's etcd (v2) DCS, given every member; it asks /v2/machines for the rest.
    etcd: { hosts, protocol: 'http' },
    bootstrap: {
      dcs: {
        ...DCS_TIMING,
        maximum_lag_on_failover: 1048576,
        postgresql: {
          // A crashed primary comes back as a replica of the new timeline.
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: 'replica',
            hot_standby: 'on',
            wal_log_hints: 'on',
            max_connections: 20,
            max_wal_senders: 6,
            max_replication_slots: 6,
            shared_buffers: '16MB',
          },
        },
      },
      initdb: [{ encoding: 'UTF8' }, { locale: 'C' }],
    },
    postgresql: {
      listen: `127.0.0.1:${node.pgPort}`,
      connect_address: `127.0.0.1:${node.pgPort}`,
      data_dir: `${node.dir}/data`,
      bin_dir: PG_BIN,
      pgpass: `${node.dir}/pgpass`,
      // Loopback only, and a test: trust, so the sampler's psql needs no password.
      pg_hba: ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust'],
      authentication: {
        superuser: { username: 'postgres', password: 'postgres-secret' },
        replication: { username: 'replicator', password: 'replicator-secret' },
        rewind: { username: 'rewinder', password: 'rewinder-secret' },
      },
      parameters: { unix_socket_directories: node.dir },
    },
    watchdog: { mode: 'off' },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  });
}
