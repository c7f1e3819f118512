// The flags of `raftkv migrate`: etcd's side (--from…) and raftkv's (--to…), each with client URLs,
// etcdctl-style v2 auth (--from-user name[:password] / --from-password, as `raftkv snapshot save`
// takes --user / --password) and TLS files (--from-cacert / --from-cert / --from-key, as etcdctl's).
// A refusal names the flag, never a value (it may hold a password).
import { userPassword } from './basic-credentials.js';
import type { Side } from './migrate-http.js';

export const USAGE = `usage: raftkv migrate --from <etcd client URL,...> --to <raftkv client URL,...>
       raftkv migrate --from-data-dir <stopped etcd member's data dir> [--from <its peers' client URL,...>] --to <raftkv client URL,...>
  [--from-user name[:password]] [--from-password P]   etcd's v2 auth (a user who may read every key)
  [--to-user root[:password]] [--to-password P]       raftkv's v2 auth (root)
  [--from-cacert F] [--from-cert F --from-key F]      TLS to etcd's https URLs (--to-… for raftkv's)
  [--until-index N]        cut over once etcd's index reaches N (default: at SIGINT or SIGTERM)
  [--force]                replace keys the raftkv cluster already holds
  [--progress-interval S]  seconds between progress lines on stderr (default 5)
`;

/**
 * Copy over HTTP (--from) or from a stopped member's data dir (--from-data-dir), then mirror
 * etcd's watch until the cut-over; a data dir without --from finishes at once, mirroring nothing.
 */
export type MigrateArgs = MigrateCommon & ({ from: Side; fromDataDir?: undefined } | { from: Side | undefined; fromDataDir: string });

interface MigrateCommon {
  to: Side;
  untilIndex?: number;
  force: boolean;
  progressMs: number;
}

const SIDE_FLAGS = ['', '-user', '-password', '-cacert', '-cert', '-key'];
const VALUE_FLAGS = new Set(['from-data-dir', 'until-index', 'progress-interval', ...SIDE_FLAGS.flatMap((f) => [`from${f}`, `to${f}`])]);

const AUTH_HINTS = {
  from: "give --from-user (and --from-password) of an etcd user who may read the whole key space",
  to: "give root's credentials with --to-user (and --to-password): raftkv's migrate steps are root's",
};

function side(values: Map<string, string>, flag: 'from' | 'to'): Side | string {
  const urls = (values.get(flag) ?? '').split(',').filter(Boolean).map((u) => u.replace(/\/+$/, ''));
  if (urls.length === 0) return `--${flag} is required`;
  const get = (suffix: string): string | undefined => values.get(`${flag}-${suffix}`);
  let credentials: string | undefined;
  try {
    credentials = userPassword(get('user'), get('password'), { user: `--${flag}-user`, password: `--${flag}-password` });
  } catch (err) {
    return (err as Error).message;
  }
  const [cacert, cert, key] = [get('cacert'), get('cert'), get('key')];
  if ((cert === undefined) !== (key === undefined)) return `--${flag}-cert and --${flag}-key go together`;
  const https = urls.filter((u) => u.startsWith('https:')).length;
  if (https !== 0 && https !== urls.length) return `--${flag} mixes http and https URLs`;
  if (https === 0 && (cacert ?? cert) !== undefined) return `--${flag}-cacert/-cert/-key need https URLs in --${flag}`;
  const tls = https > 0;
  const name = flag === 'from' ? 'etcd' : 'raftkv';
  return { name, urls, authHint: AUTH_HINTS[flag], ...(credentials !== undefined && { credentials }), ...(tls && { tls: { cacert, cert, key } }) };
}

export function parseMigrateArgs(argv: string[]): MigrateArgs | string {
  const values = new Map<string, string>();
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === 'force') force = true;
    else if (VALUE_FLAGS.has(flag) && (inline ?? argv[i + 1]) !== undefined) values.set(flag, inline ?? argv[++i]!);
    else return `unknown or incomplete flag --${flag}`;
  }
  const to = side(values, 'to');
  if (typeof to === 'string') return to;
  const fromDataDir = values.get('from-data-dir');
  const progressMs = Number(values.get('progress-interval') ?? '5') * 1000;
  if (!(progressMs > 0)) return '--progress-interval must be a positive number of seconds';
  if (fromDataDir !== undefined && !values.has('from')) {
    const mirroring = [...values.keys()].filter((k) => k === 'until-index' || k.startsWith('from-')).filter((k) => k !== 'from-data-dir');
    if (mirroring.length > 0) return `--from-data-dir without --from mirrors nothing: it takes no --${mirroring[0]} (give --from, the running members' client URLs, to mirror)`;
    return { from: undefined, fromDataDir, to, force, progressMs };
  }
  const from = side(values, 'from');
  if (typeof from === 'string') return from;
  const until = values.get('until-index');
  const untilIndex = until === undefined ? undefined : Number(until);
  if (untilIndex !== undefined && !Number.isSafeInteger(untilIndex)) return `--until-index ${until} is not an index`;
  if (fromDataDir !== undefined) return { from, fromDataDir, to, untilIndex, force, progressMs };
  return { from, to, untilIndex, force, progressMs };
}
