// Who a request is and what it may do, as etcd 3.4's v2http decides with auth enabled: Basic
// credentials when the request has an Authorization header, otherwise the common name of a
// verified client certificate, otherwise the guest role (key access only). State is read from
// this member's copy of the replicated auth state, as etcd reads its local store.
import type { AuthState } from './auth-state.js';
import { AuthError, GUEST_ROLE, ROOT_ROLE } from './model.js';
import type { User } from './model.js';
import { verifyPassword } from './password.js';
import { roleReaches } from './permissions.js';
import { VerifiedCache } from './verified-cache.js';

export type Credentials =
  /** An Authorization header Go's Request.BasicAuth cannot read: never anyone. */
  | { kind: 'malformed' }
  /** Basic credentials; `user` is undefined when its bytes are not UTF-8 (no user has such a name). */
  | { kind: 'basic'; user: string | undefined; password: Uint8Array }
  /** No Authorization header; the common names of a verified client certificate chain, leaf first. */
  | { kind: 'anonymous'; certificateNames: string[] };

export class Authorizer {
  constructor(
    private readonly state: () => AuthState,
    private readonly verified = new VerifiedCache(),
  ) {}

  /** etcd's hasRootAccess: anyone while auth is off, else a user holding the root role. */
  async hasRootAccess(creds: Credentials): Promise<boolean> {
    if (!this.state().enabled) return true;
    const user = await this.userOf(creds);
    return user?.roles?.includes(ROOT_ROLE) === true;
  }

  /**
   * etcd's hasKeyPrefixAccess. `key` is the request path after /v2/keys as a byte string;
   * a recursive request needs a prefix pattern. The guest role is matched as for a single key.
   * Throws EmptyPatternError where etcd panics.
   */
  async hasKeyAccess(creds: Credentials, key: string, recursive: boolean, write: boolean): Promise<boolean> {
    if (!this.state().enabled) return true;
    const user = await this.userOf(creds);
    const state = this.state();
    if (user === undefined) {
      if (creds.kind !== 'anonymous') return false;
      const guest = state.getRole(GUEST_ROLE);
      return !(guest instanceof AuthError) && roleReaches(guest, key, write, false);
    }
    return (user.roles ?? []).some((name) => {
      const role = state.getRole(name);
      return !(role instanceof AuthError) && roleReaches(role, key, write, recursive);
    });
  }

  private async userOf(creds: Credentials): Promise<User | undefined> {
    const state = this.state();
    switch (creds.kind) {
      case 'malformed':
        return undefined;
      case 'anonymous':
        for (const name of creds.certificateNames) {
          const user = state.getUser(name);
          if (!(user instanceof AuthError)) return user;
        }
        return undefined;
      case 'basic': {
        if (creds.user === undefined) return undefined;
        const user = state.getUser(creds.user);
        if (user instanceof AuthError) return undefined;
        return (await this.passwordMatches(user, creds.password)) ? user : undefined;
      }
    }
  }

  private async passwordMatches(user: User, password: Uint8Array): Promise<boolean> {
    if (this.verified.has(user.user, user.password, password)) return true;
    if (!(await verifyPassword(user.password, password))) return false;
    this.verified.add(user.user, user.password, password);
    return true;
  }
}
