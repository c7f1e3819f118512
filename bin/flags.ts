// The command line and ETCD_* environment of `raftkv`, read the way etcd 3.4 reads its own, into
// a MemberConfig. Steps, in etcd's order: Go flag parsing (syntax errors exit 2), no positional
// arguments, --version, then either the configuration file (--config-file or ETCD_CONFIG_FILE,
// which, as in etcd 3.4, replaces every other flag and variable) or the environment variables,
// then the checks of the assembled configuration (these exit 1). Nothing is printed: the caller
// reports the outcome.
import { readFileSync } from 'node:fs';
import { DEFAULT_NAME, defaultConfig, defaultDataDir } from '../src/server/config.js';
import type { InitialClusterMember, MemberConfig } from '../src/server/config.js';
import { applyConfigFile } from './config-file.js';
import { applyEnv, envName } from './etcd-env.js';
import { parseEtcdUrl } from './etcd-urls.js';
import { FlagSet } from './flag-set.js';
import { goOpenError } from './go-errors.js';
import { FLAGS } from './flag-table.js';
import type { FlagDef } from './flag-table.js';
import { GoValueError } from './go-values.js';
import { checkInitialCluster, parseInitialCluster } from './initial-cluster.js';
import { parseDiscoveryProxy } from '../src/discovery/node-http.js';
import { USAGE, helpText, versionText } from './usage.js';
import { readTls } from './tls-flags.js';
import { readLogging } from './log-flags.js';
import type { LogSettings } from './log-flags.js';
import { ADVERTISE_CLIENT_URLS_REQUIRED, validateConfig } from './validate.js';

export type ParseOutcome =
  | { kind: 'start'; config: MemberConfig; notices: string[] }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  /** `message` is what to print on stderr; `notices` come before it. */
  | { kind: 'error'; exitCode: 1 | 2; message: string; notices: string[] };

/** Lists of URLs raftkv listens on or hands to others. */
const URL_FLAGS = ['listen-peer-urls', 'listen-client-urls', 'initial-advertise-peer-urls', 'advertise-client-urls'];

type Env = Readonly<Record<string, string | undefined>>;

export function parseArgs(argv: readonly string[], env: Env, readFile = (path: string) => readFileSync(path, 'utf8')): ParseOutcome {
  const commandLineFlags = new FlagSet(FLAGS);
  const commandLine = commandLineFlags.parse(argv);
  if (commandLine.kind === 'help') return { kind: 'help', text: helpText(FLAGS) };
  if (commandLine.kind === 'error') return { kind: 'error', exitCode: 2, message: `${commandLine.message}\n${USAGE}`, notices: [] };
  if (commandLine.positional.length > 0) return verifyingError(`'${commandLine.positional[0]}' is not a valid flag`, []);
  if (commandLineFlags.bool('version')) return { kind: 'version', text: versionText() };

  const configFile = commandLineFlags.string('config-file') || (env[envName('config-file')] ?? '');
  const read = configFile ? readConfigFile(commandLineFlags, env, configFile, readFile) : readEnv(commandLineFlags, env);
  if (read.kind === 'error') return read;
  const { flags, notices } = read;

  const refusal = findRefusal(flags);
  if (refusal) return { kind: 'error', exitCode: 1, message: refusal, notices };
  notices.push(...ignoredFlagNotices(flags));

  // etcd's Validate sets up logging before any other check.
  const logging = readLogging(flags, notices);
  if ('problem' in logging) return logging.exitCode === 2 ? { kind: 'error', exitCode: 2, message: logging.problem, notices } : verifyingError(logging.problem, notices);
  const built = buildConfig(flags, logging, notices, configFile !== '');
  const clusterText = initialClusterText(flags, built);
  const bootstrapSources = [built.discovery, clusterText, built.discoverySrv].filter((source) => source).length;
  const invalid = validateConfig(built, bootstrapSources);
  if (invalid) return verifyingError(invalid, notices);
  const proxyProblem = discoveryProxyProblem(flags.string('discovery-proxy'));
  if (proxyProblem) return { kind: 'error', exitCode: 1, message: proxyProblem, notices };

  const initialCluster = readInitialCluster(clusterText);
  if (typeof initialCluster === 'string') return { kind: 'error', exitCode: 1, message: initialCluster, notices };
  const tls = readTls(flags, built, notices);
  if (!tls.ok) return { kind: 'error', exitCode: 1, message: tls.message, notices };
  const config = { ...built, initialCluster, ...(tls.clientTls ? { clientTls: tls.clientTls } : {}), ...(tls.peerTls ? { peerTls: tls.peerTls } : {}) };
  const unsupportedPeer = initialCluster.flatMap((m) => m.peerUrls).map(urlRefusal).find((r) => r !== undefined);
  if (unsupportedPeer) return { kind: 'error', exitCode: 1, message: `--initial-cluster: ${unsupportedPeer}`, notices };
  // With discovery the initial cluster is found at start, and checked then; a proxy is no member of
  // the cluster it names (etcd checks the initial cluster only when starting a member).
  const clusterProblem = config.proxy.mode !== 'off' || config.discovery || config.discoverySrv ? undefined : checkInitialCluster(config);
  if (clusterProblem) return { kind: 'error', exitCode: 1, message: clusterProblem, notices };
  return { kind: 'start', config, notices };
}

type Read = { kind: 'read'; flags: FlagSet; notices: string[] } | ParseError;

function readEnv(flags: FlagSet, env: Env): Read {
  const fromEnv = applyEnv(flags, env);
  const notices = [...flags.warnings, ...fromEnv.notices];
  if (fromEnv.ok) return { kind: 'read', flags, notices };
  return fromEnv.verifying ? verifyingError(fromEnv.message, notices) : { kind: 'error', exitCode: 1, message: fromEnv.message, notices };
}

/** etcd 3.4 reads only the file then; what else was given is named, so nothing is dropped unsaid. */
function readConfigFile(commandLine: FlagSet, env: Env, path: string, readFile: (path: string) => string): Read {
  const notices = [`loading server configuration from ${JSON.stringify(path)}; other command line flags and ETCD_* variables are ignored, as in etcd 3.4`];
  for (const def of commandLine.all()) {
    if (def.name !== 'config-file' && commandLine.isGiven(def.name)) notices.push(`${flagText(commandLine, def)} is ignored: --config-file is given`);
  }
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('ETCD_') && key !== envName('config-file') && value) notices.push(`environment variable ${key} is ignored: --config-file is given`);
  }
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    return verifyingError(goOpenError(path, err as NodeJS.ErrnoException), notices);
  }
  const flags = new FlagSet(FLAGS);
  const problem = applyConfigFile(flags, path, text);
  return problem ? verifyingError(problem, notices) : { kind: 'read', flags, notices };
}

type ParseError = Extract<ParseOutcome, { kind: 'error' }>;

function verifyingError(reason: string, notices: string[]): ParseError {
  const hint =
    reason === ADVERTISE_CLIENT_URLS_REQUIRED
      ? '\nWhen listening on specific address(es), this raftkv process must advertise accessible url(s) to each connected client.'
      : '';
  return { kind: 'error', exitCode: 1, message: `error verifying flags, ${reason}. See 'raftkv --help'.${hint}`, notices };
}

/** The first flag asking for something raftkv does not do (unix sockets, discovery, proxy, …). */
function findRefusal(flags: FlagSet): string | undefined {
  for (const def of flags.all()) {
    if (def.role.use === 'refused' && flags.value(def.name) !== def.default) return `${flagText(flags, def)}: ${def.role.why}`;
  }
  for (const name of URL_FLAGS) {
    const refusal = flags.list(name).map(urlRefusal).find((r) => r !== undefined);
    if (refusal) return `--${name}=${flags.list(name).join(',')}: ${refusal}`;
  }
  return undefined;
}

function urlRefusal(url: string): string | undefined {
  const { scheme } = parseEtcdUrl(url);
  if (scheme === 'unix' || scheme === 'unixs') return 'unix sockets are not supported';
  return undefined;
}

function ignoredFlagNotices(flags: FlagSet): string[] {
  return flags
    .all()
    .flatMap((def) => (def.role.use === 'ignored' && flags.isGiven(def.name) ? [`${flagText(flags, def)} is ignored: ${def.role.why}`] : []));
}

/**
 * As etcd 3.4 (UpdateDefaultClusterFromName): a member given a name but left with the default
 * --initial-cluster bootstraps a cluster of itself at its advertised peer URLs, so `raftkv --name
 * foo` alone starts.
 */
function initialClusterText(flags: FlagSet, config: Pick<MemberConfig, 'name' | 'initialAdvertisePeerUrls'>): string {
  const text = flags.string('initial-cluster');
  // As etcd, any discovery flag drops the default initial cluster (one given explicitly stays, and conflicts).
  const discovering = ['discovery', 'discovery-srv', 'discovery-srv-name'].some((name) => flags.string(name) !== '');
  if (discovering && !flags.isGiven('initial-cluster')) return '';
  if (config.name === DEFAULT_NAME || text !== flags.lookup('initial-cluster')?.default) return text;
  return config.initialAdvertisePeerUrls.map((url) => `${config.name || DEFAULT_NAME}=${url}`).join(',');
}

function readInitialCluster(text: string): InitialClusterMember[] | string {
  try {
    return parseInitialCluster(text);
  } catch (err) {
    if (!(err instanceof GoValueError)) throw err;
    return `error setting up initial cluster: ${err.message}`;
  }
}

function flagText(flags: FlagSet, def: FlagDef): string {
  const value = flags.value(def.name);
  return `--${def.name}=${Array.isArray(value) ? value.join(',') : String(value)}`;
}

/** Everything but the initial cluster, which has its own checks and errors. */
function buildConfig(flags: FlagSet, logging: LogSettings, notices: string[], fromFile: boolean): Omit<MemberConfig, 'initialCluster'> {
  const defaults = defaultConfig();
  const name = flags.string('name');
  let snapshotCount = flags.number('snapshot-count');
  if (snapshotCount === 0) {
    snapshotCount = defaults.snapshotCount;
    notices.push(`set snapshot count to default ${snapshotCount}`);
  }
  // etcd drops the default advertised client URL once listen-client-urls is chosen explicitly on
  // the command line (configFromCmdLine); a configuration file keeps it.
  const dropAdvertised = !fromFile && flags.isGiven('listen-client-urls') && !flags.isGiven('advertise-client-urls');
  const advertiseClientUrls = dropAdvertised ? [] : flags.list('advertise-client-urls');
  return {
    name,
    dataDir: flags.string('data-dir') || defaultDataDir(name),
    listenClientUrls: flags.list('listen-client-urls'),
    advertiseClientUrls,
    listenPeerUrls: flags.list('listen-peer-urls'),
    initialAdvertisePeerUrls: flags.list('initial-advertise-peer-urls'),
    initialClusterState: flags.string('initial-cluster-state') === 'existing' ? 'existing' : 'new',
    initialClusterToken: flags.string('initial-cluster-token'),
    ...discoveryConfig(flags),
    heartbeatIntervalMs: flags.number('heartbeat-interval'),
    electionTimeoutMs: flags.number('election-timeout'),
    snapshotCount,
    maxSnapshots: flags.number('max-snapshots'),
    cors: flags.list('cors'),
    logLevel: logging.level,
    logOutputs: logging.outputs,
    preVote: flags.bool('pre-vote'),
    strictReconfigCheck: flags.bool('strict-reconfig-check'),
    forceNewCluster: flags.bool('force-new-cluster'),
    proxy: {
      mode: flags.string('proxy') as MemberConfig['proxy']['mode'],
      failureWaitMs: flags.number('proxy-failure-wait'),
      refreshIntervalMs: flags.number('proxy-refresh-interval'),
      dialTimeoutMs: flags.number('proxy-dial-timeout'),
      writeTimeoutMs: flags.number('proxy-write-timeout'),
      readTimeoutMs: flags.number('proxy-read-timeout'),
    },
  };
}

function discoveryConfig(flags: FlagSet): Pick<MemberConfig, 'discovery' | 'discoverySrv'> {
  const url = flags.string('discovery');
  const domain = flags.string('discovery-srv');
  return {
    ...(url ? { discovery: { url, proxy: flags.string('discovery-proxy'), fallback: flags.string('discovery-fallback') === 'exit' ? 'exit' : 'proxy' } } : {}),
    ...(domain ? { discoverySrv: { domain, serviceName: flags.string('discovery-srv-name') } } : {}),
  };
}

/** etcd reads --discovery-proxy only when it discovers; raftkv reads it at once, with etcd's message. */
function discoveryProxyProblem(proxy: string): string | undefined {
  try {
    parseDiscoveryProxy(proxy);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
