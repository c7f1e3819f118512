// ETCD_* environment variables as etcd 3.4 reads them (pkg/flags SetFlagsFromEnv): each flag not
// given on the command line takes ETCD_<NAME> when it is non-empty. A variable for a flag that was
// also given on the command line is an error in etcd 3.4 (3.3 only warned); other unknown ETCD_*
// variables are warned about.
import type { FlagSet } from './flag-set.js';
import { GoValueError } from './go-values.js';

const PREFIX = 'ETCD';

export type EnvOutcome =
  | { ok: true; notices: string[] }
  /** `verifying` errors are reported as etcd's "error verifying flags, …"; the conflict is not. */
  | { ok: false; message: string; verifying: boolean; notices: string[] };

/** flags.FlagToEnv: `initial-cluster-token` → `ETCD_INITIAL_CLUSTER_TOKEN`. */
export function envName(flag: string): string {
  return `${PREFIX}_${flag.replaceAll('-', '_').toUpperCase()}`;
}

export function applyEnv(flags: FlagSet, env: Readonly<Record<string, string | undefined>>): EnvOutcome {
  const onCommandLine = new Set(flags.all().filter((def) => flags.isGiven(def.name)).map((def) => envName(def.name)));
  const used = new Set<string>();
  const notices: string[] = [];
  let invalid: string | undefined;

  // etcd visits flags in name order; when several variables are invalid, the last one is reported.
  for (const def of flags.all().sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const key = envName(def.name);
    const value = env[key];
    if (onCommandLine.has(key) || !value) continue;
    used.add(key);
    try {
      flags.set(def, value);
      notices.push(`recognized and used environment variable ${key}=${value}`);
    } catch (err) {
      if (!(err instanceof GoValueError)) throw err;
      invalid = `invalid value ${JSON.stringify(value)} for ${key}: ${err.message}`;
    }
  }

  for (const [key, value] of Object.entries(env)) {
    if (used.has(key)) continue;
    if (onCommandLine.has(key)) {
      return {
        ok: false,
        verifying: false,
        message: `conflicting environment variable ${JSON.stringify(key)} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`,
        notices,
      };
    }
    if (key.startsWith(`${PREFIX}_`)) notices.push(`unrecognized environment variable ${key}=${value ?? ''}`);
  }
  return invalid === undefined ? { ok: true, notices } : { ok: false, verifying: true, message: invalid, notices };
}
