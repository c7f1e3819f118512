// What `raftkv --help` and `raftkv --version` print, laid out like etcd's, with the flag list
// written from the flag table.
import { ETCD_SERVER_VERSION, RAFTKV_VERSION } from '../src/server/version.js';
import type { FlagDef, FlagValue } from './flag-table.js';

/** Printed alone after a flag syntax error, as etcd prints its usage line. */
export const USAGE = `Usage:

  raftkv [flags]
    Start a raftkv member: etcd's v2 API, configured with etcd's flags.

  raftkv --version
    Show the version of raftkv.

  raftkv -h | --help
    Show the help information about raftkv.
`;

const ENVIRONMENT = `Every flag can also be given as an environment variable: ETCD_ and the flag's name in capitals
with dashes as underscores (--initial-cluster-token is ETCD_INITIAL_CLUSTER_TOKEN). A flag given
on the command line must not also be set in the environment.
`;

export function helpText(defs: readonly FlagDef[]): string {
  const sections = new Map<string, FlagDef[]>();
  for (const def of defs) {
    if (def.hidden) continue;
    sections.set(def.section, [...(sections.get(def.section) ?? []), def]);
  }
  const blocks = [...sections].map(([title, flags]) => `${title}:\n${flags.map(describe).join('')}`);
  return [USAGE, ENVIRONMENT, ...blocks].join('\n');
}

export function versionText(): string {
  return [
    `raftkv Version: ${RAFTKV_VERSION}`,
    `etcd Version: ${ETCD_SERVER_VERSION}`,
    'API Version: 2',
    `Node Version: ${process.version}`,
    `Node OS/Arch: ${process.platform}/${process.arch}`,
    '',
  ].join('\n');
}

function describe(def: FlagDef): string {
  const note =
    def.role.use === 'ignored' ? ` [ignored: ${def.role.why}]` : def.role.use === 'refused' ? ` [not supported: ${def.role.why}]` : '';
  return `  --${def.name} '${def.shownDefault ?? showValue(def.default)}'\n    ${def.usage}${note}\n`;
}

function showValue(value: FlagValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
