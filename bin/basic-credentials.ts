// etcdctl's user flags: `--user name:password`, or `--user name` with `--password`, read into the
// "name:password" of an HTTP Basic Authorization header (shared by the tools that talk to a cluster).

/** The flags' names as the tool spells them, for the refusal. */
export interface UserFlags {
  user: string;
  password: string;
}

/** "name:password", or undefined without a user; throws (naming no secret) when the password is missing. */
export function userPassword(user: string | undefined, password: string | undefined, flags: UserFlags = { user: '--user', password: '--password' }): string | undefined {
  if (user === undefined) return undefined;
  if (user.includes(':')) return user;
  if (password === undefined) throw new Error(`${flags.user} names no password: give ${flags.user} name:password or ${flags.password}`);
  return `${user}:${password}`;
}

export const basicAuthorization = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;
