// Every flag etcd 3.4.23 accepts, in the order and sections of `etcd --help`, and what raftkv does
// with each. This table is the only place a flag is declared: parsing, ETCD_* variables, refusals
// and the help text are all driven from it.
import { DEFAULT_CLIENT_URL, DEFAULT_PEER_URL, defaultConfig } from '../src/server/config.js';

/** How a flag's value is written, as Go's flag package (or etcd's own flag types) reads it. */
export type FlagKind =
  | { type: 'string' }
  | { type: 'bool' }
  | { type: 'uint' }
  | { type: 'int' }
  | { type: 'uint32-decimal' }
  | { type: 'duration' }
  | { type: 'urls' }
  | { type: 'cors' }
  | { type: 'choice'; choices: readonly string[] }
  /** etcd's list of long-gone flags: accepted like a bool, with a warning. */
  | { type: 'legacy' };

export type FlagValue = string | boolean | bigint | string[];

/** What raftkv does with a flag. */
export type FlagRole =
  /** parseArgs reads it. */
  | { use: 'read' }
  /** Accepted and has no effect; `why` is told to the operator when the flag is given. */
  | { use: 'ignored'; why: string }
  /** An error when set to anything but its default, since raftkv cannot do what it asks. */
  | { use: 'refused'; why: string }
  | { use: 'legacy' };

export interface FlagDef {
  name: string;
  kind: FlagKind;
  default: FlagValue;
  /** The default as the help shows it, when that is not the value itself. */
  shownDefault?: string;
  usage: string;
  section: string;
  role: FlagRole;
  /** Accepted but, as in etcd, left out of the help. */
  hidden?: boolean;
  /**
   * How etcd 3.4's --config-file spells this setting; absent: a top-level key named as the flag,
   * holding a value of the flag's kind. 'none': etcd 3.4 reads no key for it; 'list': a YAML list
   * of strings where the flag takes them comma-separated; under: a key inside a TLS section.
   */
  file?: 'none' | 'list' | { under: TlsSection; key: string };
}

export type TlsSection = 'client-transport-security' | 'peer-transport-security';

const READ: FlagRole = { use: 'read' };
const NO_KEY = 'none' as const;
const CLIENT_TLS = (key: string) => ({ under: 'client-transport-security', key }) as const;
const PEER_TLS = (key: string) => ({ under: 'peer-transport-security', key }) as const;
const V3_ONLY: FlagRole = { use: 'ignored', why: 'it only matters to the etcd v3 API' };

const STRING = { type: 'string' } as const;
const BOOL = { type: 'bool' } as const;
const UINT = { type: 'uint' } as const;
const INT = { type: 'int' } as const;
const DURATION = { type: 'duration' } as const;
const URLS = { type: 'urls' } as const;

const D = defaultConfig();

type Row = Omit<FlagDef, 'section'>;

function section(name: string, rows: Row[]): FlagDef[] {
  return rows.map((row) => ({ ...row, section: name }));
}

/** etcd's pkg/flags ignored list: flags of etcd 0.4 and test runs. */
const LEGACY_NAMES = [
  'cluster-active-size', 'cluster-remove-delay', 'cluster-sync-interval', 'config', 'force', 'max-result-buffer',
  'max-retry-attempts', 'peer-heartbeat-interval', 'peer-election-timeout', 'retry-interval', 'snapshot', 'v', 'vv',
  'test.coverprofile', 'test.outputdir',
];

export const FLAGS: readonly FlagDef[] = [
  ...section('Member', [
    { name: 'name', kind: STRING, default: D.name, usage: 'Human-readable name for this member.', role: READ },
    { name: 'data-dir', kind: STRING, default: '', shownDefault: '${name}.raftkv', usage: 'Path to the data directory.', role: READ },
    { name: 'wal-dir', kind: STRING, default: '', usage: 'Path to the dedicated wal directory.', role: { use: 'refused', why: 'raftkv keeps its log inside --data-dir' } },
    { name: 'snapshot-count', kind: UINT, default: BigInt(D.snapshotCount), usage: 'Number of committed transactions to trigger a snapshot to disk.', role: READ },
    { name: 'heartbeat-interval', kind: UINT, default: BigInt(D.heartbeatIntervalMs), usage: 'Time (in milliseconds) of a heartbeat interval.', role: READ },
    { name: 'election-timeout', kind: UINT, default: BigInt(D.electionTimeoutMs), usage: 'Time (in milliseconds) for an election to timeout.', role: READ },
    { name: 'initial-election-tick-advance', kind: BOOL, default: true, usage: 'Whether to fast-forward initial election ticks on boot for faster election.', role: { use: 'ignored', why: 'raftkv does not fast-forward election ticks' } },
    { name: 'listen-peer-urls', kind: URLS, default: [DEFAULT_PEER_URL], usage: 'List of URLs to listen on for peer traffic.', role: READ },
    { name: 'listen-client-urls', kind: URLS, default: [DEFAULT_CLIENT_URL], usage: 'List of URLs to listen on for client traffic.', role: READ },
    { name: 'max-snapshots', kind: UINT, default: BigInt(D.maxSnapshots), usage: 'Maximum number of snapshot files to retain (0 is unlimited).', role: READ },
    { name: 'max-wals', kind: UINT, default: 5n, usage: 'Maximum number of wal files to retain (0 is unlimited).', role: { use: 'refused', why: 'raftkv has no WAL files to keep or purge: its log is LevelDB records, deleted once a snapshot covers them' } },
    { name: 'quota-backend-bytes', kind: INT, default: 0n, usage: 'Raise alarms when backend size exceeds the given quota (0 defaults to low space quota).', role: V3_ONLY },
    { name: 'backend-batch-interval', kind: DURATION, default: '0', shownDefault: '', usage: 'BackendBatchInterval is the maximum time before commit the backend transaction.', role: V3_ONLY },
    { name: 'backend-batch-limit', kind: UINT, default: 0n, usage: 'BackendBatchLimit is the maximum operations before commit the backend transaction.', role: V3_ONLY },
    { name: 'max-txn-ops', kind: UINT, default: 128n, usage: 'Maximum number of operations permitted in a transaction.', role: V3_ONLY },
    // etcd's limit for v3 gRPC requests; a v2 form's is Go's 10 MiB whatever this says (api/app.ts).
    { name: 'max-request-bytes', kind: UINT, default: BigInt(1.5 * 1024 * 1024), usage: 'Maximum client request size in bytes the server will accept.', role: V3_ONLY },
    { name: 'max-concurrent-streams', kind: { type: 'uint32-decimal' }, default: 0xffff_ffffn, shownDefault: 'math.MaxUint32', usage: 'Maximum concurrent streams that each client can open at a time.', role: V3_ONLY },
    { name: 'grpc-keepalive-min-time', kind: DURATION, default: '5s', usage: 'Minimum duration interval that a client should wait before pinging server.', role: V3_ONLY },
    { name: 'grpc-keepalive-interval', kind: DURATION, default: '2h', usage: 'Frequency duration of server-to-client ping to check if a connection is alive (0 to disable).', role: V3_ONLY },
    { name: 'grpc-keepalive-timeout', kind: DURATION, default: '20s', usage: 'Additional duration of wait before closing a non-responsive connection (0 to disable).', role: V3_ONLY },
  ]),
  ...section('Clustering', [
    { name: 'initial-advertise-peer-urls', kind: URLS, default: [DEFAULT_PEER_URL], usage: "List of this member's peer URLs to advertise to the rest of the cluster.", role: READ },
    { name: 'initial-cluster', kind: STRING, default: `${D.name}=${DEFAULT_PEER_URL}`, usage: 'Initial cluster configuration for bootstrapping.', role: READ },
    { name: 'initial-cluster-state', kind: { type: 'choice', choices: ['new', 'existing'] }, default: D.initialClusterState, usage: "Initial cluster state ('new' or 'existing').", role: READ },
    { name: 'initial-cluster-token', kind: STRING, default: D.initialClusterToken, usage: 'Initial cluster token for the etcd cluster during bootstrap.', role: READ },
    { name: 'advertise-client-urls', kind: URLS, default: [DEFAULT_CLIENT_URL], usage: "List of this member's client URLs to advertise to the public.", role: READ },
    { name: 'discovery', kind: STRING, default: '', usage: 'Discovery URL used to bootstrap the cluster.', role: READ },
    { name: 'discovery-fallback', kind: { type: 'choice', choices: ['proxy', 'exit'] }, default: 'proxy', usage: "Expected behavior ('exit' or 'proxy') when discovery services fails.", role: READ },
    { name: 'discovery-proxy', kind: STRING, default: '', usage: 'HTTP proxy to use for traffic to discovery service.', role: READ },
    { name: 'discovery-srv', kind: STRING, default: '', usage: 'DNS srv domain used to bootstrap the cluster.', role: READ },
    { name: 'discovery-srv-name', kind: STRING, default: '', usage: 'Suffix to the dns srv name queried when bootstrapping.', role: READ },
    { name: 'strict-reconfig-check', kind: BOOL, default: D.strictReconfigCheck, usage: 'Reject reconfiguration requests that would cause quorum loss.', role: READ },
    { name: 'pre-vote', kind: BOOL, default: D.preVote, usage: 'Enable to run an additional Raft election phase.', role: READ },
    { name: 'auto-compaction-retention', kind: STRING, default: '0', usage: 'Auto compaction retention length. 0 means disable auto compaction.', role: V3_ONLY },
    { name: 'auto-compaction-mode', kind: STRING, default: 'periodic', usage: "Interpret 'auto-compaction-retention' one of: periodic|revision.", role: V3_ONLY },
    { name: 'enable-v2', kind: BOOL, default: false, usage: 'Accept etcd V2 client requests.', role: { use: 'ignored', why: 'the v2 API is always on' } },
  ]),
  ...section('Security', [
    { name: 'cert-file', kind: STRING, default: '', usage: 'Path to the client server TLS cert file.', role: READ, file: CLIENT_TLS('cert-file') },
    { name: 'key-file', kind: STRING, default: '', usage: 'Path to the client server TLS key file.', role: READ, file: CLIENT_TLS('key-file') },
    { name: 'client-cert-auth', kind: BOOL, default: false, usage: 'Enable client cert authentication.', role: READ, file: CLIENT_TLS('client-cert-auth') },
    { name: 'client-crl-file', kind: STRING, default: '', usage: 'Path to the client certificate revocation list file.', role: READ, file: NO_KEY },
    { name: 'client-cert-allowed-hostname', kind: STRING, default: '', usage: 'Allowed TLS hostname for client cert authentication.', role: READ, file: NO_KEY },
    { name: 'trusted-ca-file', kind: STRING, default: '', usage: 'Path to the client server TLS trusted CA cert file.', role: READ, file: CLIENT_TLS('trusted-ca-file') },
    { name: 'auto-tls', kind: BOOL, default: false, usage: 'Client TLS using generated certificates.', role: READ, file: CLIENT_TLS('auto-tls') },
    { name: 'peer-cert-file', kind: STRING, default: '', usage: 'Path to the peer server TLS cert file.', role: READ, file: PEER_TLS('cert-file') },
    { name: 'peer-key-file', kind: STRING, default: '', usage: 'Path to the peer server TLS key file.', role: READ, file: PEER_TLS('key-file') },
    { name: 'peer-client-cert-auth', kind: BOOL, default: false, usage: 'Enable peer client cert authentication.', role: READ, file: PEER_TLS('client-cert-auth') },
    { name: 'peer-trusted-ca-file', kind: STRING, default: '', usage: 'Path to the peer server TLS trusted CA file.', role: READ, file: PEER_TLS('trusted-ca-file') },
    { name: 'peer-cert-allowed-cn', kind: STRING, default: '', usage: 'Required CN for client certs connecting to the peer endpoint.', role: READ, file: NO_KEY },
    { name: 'peer-cert-allowed-hostname', kind: STRING, default: '', usage: 'Allowed TLS hostname for inter peer authentication.', role: READ, file: NO_KEY },
    { name: 'peer-auto-tls', kind: BOOL, default: false, usage: 'Peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided.', role: READ, file: PEER_TLS('auto-tls') },
    { name: 'peer-crl-file', kind: STRING, default: '', usage: 'Path to the peer certificate revocation list file.', role: READ, file: NO_KEY },
    { name: 'cipher-suites', kind: STRING, default: '', usage: 'Comma-separated list of supported TLS cipher suites between client/server and peers.', role: READ, file: 'list' },
    { name: 'cors', kind: { type: 'cors' }, default: D.cors, usage: 'Comma-separated whitelist of origins for CORS, or cross-origin resource sharing, (empty or * means allow all).', role: READ },
    { name: 'host-whitelist', kind: STRING, default: '*', usage: 'Acceptable hostnames from HTTP client requests, if server is not secure (empty or * means allow all).', role: { use: 'refused', why: 'a Host header whitelist is not supported yet' } },
  ]),
  ...section('Auth', [
    { name: 'auth-token', kind: STRING, default: 'simple', usage: "Specify a v3 authentication token type and its options ('simple' or 'jwt').", role: V3_ONLY },
    { name: 'bcrypt-cost', kind: UINT, default: 10n, usage: 'Specify the cost / strength of the bcrypt algorithm for hashing auth passwords.', role: V3_ONLY },
    { name: 'auth-token-ttl', kind: UINT, default: 300n, usage: 'Time (in seconds) of the auth-token-ttl.', role: V3_ONLY },
  ]),
  ...section('Profiling and Monitoring', [
    { name: 'enable-pprof', kind: BOOL, default: false, usage: 'Enable runtime profiling data via HTTP server.', role: { use: 'refused', why: "/debug/pprof serves Go runtime profiles, which a Node.js process does not have; profile raftkv with node's --cpu-prof or --heapsnapshot-signal" } },
    { name: 'metrics', kind: STRING, default: 'basic', usage: "Set level of detail for exported metrics, specify 'extensive' to include histogram metrics.", role: V3_ONLY },
    { name: 'listen-metrics-urls', kind: URLS, default: [], usage: 'List of URLs to listen on for the metrics and health endpoints.', role: { use: 'ignored', why: 'metrics and health are served on the client URLs' } },
  ]),
  ...section('Logging', [
    { name: 'logger', kind: STRING, default: 'capnslog', usage: "Specify 'zap' for structured logging or 'capnslog' (raftkv writes zap's JSON lines for both; capnslog allows one output).", role: READ },
    { name: 'log-outputs', kind: STRING, default: 'default', usage: "Specify 'stdout' or 'stderr' ('default' is stderr, also under systemd), or list of comma separated output targets (files with --logger=zap).", role: READ, file: 'list' },
    { name: 'log-output', kind: STRING, default: 'default', usage: 'Deprecated: use --log-outputs.', role: READ, hidden: true, file: 'list' },
    { name: 'log-level', kind: STRING, default: D.logLevel, usage: 'Configures log level. Only supports debug, info, warn, error, panic, or fatal.', role: READ },
  ]),
  ...section('v2 Proxy', [
    { name: 'proxy', kind: { type: 'choice', choices: ['off', 'readonly', 'on'] }, default: 'off', usage: "Proxy mode setting ('off', 'readonly' or 'on').", role: READ },
    { name: 'proxy-failure-wait', kind: UINT, default: 5000n, usage: 'Time (in milliseconds) an endpoint will be held in a failed state.', role: READ },
    { name: 'proxy-refresh-interval', kind: UINT, default: 30000n, usage: 'Time (in milliseconds) of the endpoints refresh interval.', role: READ },
    { name: 'proxy-dial-timeout', kind: UINT, default: 1000n, usage: 'Time (in milliseconds) for a dial to timeout.', role: READ },
    { name: 'proxy-write-timeout', kind: UINT, default: 5000n, usage: 'Time (in milliseconds) for a write to timeout.', role: READ },
    { name: 'proxy-read-timeout', kind: UINT, default: 0n, usage: 'Time (in milliseconds) for a read to timeout.', role: READ },
  ]),
  ...section('Experimental feature', [
    { name: 'experimental-initial-corrupt-check', kind: BOOL, default: false, usage: 'Enable to check data corruption before serving any client/peer traffic.', role: V3_ONLY },
    { name: 'experimental-corrupt-check-time', kind: DURATION, default: '0s', usage: 'Duration of time between cluster corruption check passes.', role: V3_ONLY },
    { name: 'experimental-enable-v2v3', kind: STRING, default: '', usage: 'Serve v2 requests through the v3 backend under a given prefix.', role: V3_ONLY },
    { name: 'experimental-backend-bbolt-freelist-type', kind: STRING, default: 'array', usage: 'ExperimentalBackendFreelistType specifies the type of freelist that boltdb backend uses.', role: V3_ONLY },
    { name: 'experimental-enable-lease-checkpoint', kind: BOOL, default: false, usage: 'Persist lease remainingTTL to prevent indefinite auto-renewal of long lived leases.', role: V3_ONLY },
    { name: 'experimental-compaction-batch-limit', kind: INT, default: 1000n, usage: 'Sets the maximum revisions deleted in each compaction batch.', role: V3_ONLY },
    { name: 'experimental-peer-skip-client-san-verification', kind: BOOL, default: false, usage: 'Skip verification of SAN field in client certificate for peer connections.', role: READ, file: NO_KEY },
    { name: 'experimental-watch-progress-notify-interval', kind: DURATION, default: '10m', usage: 'Duration of periodical watch progress notification.', role: V3_ONLY },
    { name: 'experimental-warning-apply-duration', kind: DURATION, default: '100ms', usage: 'Warning is generated if requests take more than this duration.', role: V3_ONLY },
    { name: 'enable-grpc-gateway', kind: BOOL, default: true, usage: 'Enable GRPC gateway.', role: V3_ONLY, hidden: true },
  ]),
  ...section('Unsafe feature', [
    { name: 'force-new-cluster', kind: BOOL, default: false, usage: 'Force to create a new one-member cluster.', role: READ },
    { name: 'unsafe-no-fsync', kind: BOOL, default: false, usage: 'Disables fsync, unsafe, will cause data loss.', role: { use: 'ignored', why: 'raftkv always fsyncs' }, hidden: true },
  ]),
  ...section('To be deprecated', [
    { name: 'ca-file', kind: STRING, default: '', usage: "DEPRECATED (etcd 2): the same as '--trusted-ca-file <file> --client-cert-auth'.", role: READ, hidden: true, file: NO_KEY },
    { name: 'peer-ca-file', kind: STRING, default: '', usage: "DEPRECATED (etcd 2): the same as '--peer-trusted-ca-file <file> --peer-client-cert-auth'.", role: READ, hidden: true, file: NO_KEY },
    { name: 'debug', kind: BOOL, default: false, usage: "Enable debug-level logging. Use '--log-level=debug' instead.", role: READ },
    { name: 'log-package-levels', kind: STRING, default: '', usage: "Specify a particular log level for each etcd package (eg: 'etcdmain=CRITICAL,etcdserver=DEBUG').", role: { use: 'ignored', why: 'raftkv has one log level' } },
  ]),
  ...section('Command', [
    { name: 'version', kind: BOOL, default: false, usage: 'Print the version and exit.', role: READ, hidden: true, file: NO_KEY },
    { name: 'config-file', kind: STRING, default: '', usage: 'Path to the server configuration file.', role: READ, hidden: true, file: NO_KEY },
    ...LEGACY_NAMES.map((name): Row => ({ name, kind: { type: 'legacy' }, default: false, usage: '', role: { use: 'legacy' }, hidden: true, file: NO_KEY })),
  ]),
];
