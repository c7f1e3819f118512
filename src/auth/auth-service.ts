// What api/ asks of v2 auth on one member: local reads of the replicated auth state, access
// decisions, and changes. A change with a password is hashed here, on the member that received
// it, and only then committed (through Raft on a real member), so no password enters the log.
import type { AuthOp, AuthResult, AuthState } from './auth-state.js';
import { Authorizer } from './authorizer.js';
import type { Credentials } from './authorizer.js';
import type { AuthError, Role, User } from './model.js';
import { hashPassword } from './password.js';

/** Commits a change everywhere and answers with what applying it gave. */
export type AuthCommit = (op: AuthOp) => Promise<AuthResult>;

export class AuthService {
  private readonly authorizer: Authorizer;

  constructor(
    private readonly state: () => AuthState,
    private readonly commit: AuthCommit,
  ) {
    this.authorizer = new Authorizer(state);
  }

  get enabled(): boolean {
    return this.state().enabled;
  }

  hasRootAccess(creds: Credentials): Promise<boolean> {
    return this.authorizer.hasRootAccess(creds);
  }

  hasKeyAccess(creds: Credentials, key: string, recursive: boolean, write: boolean): Promise<boolean> {
    return this.authorizer.hasKeyAccess(creds, key, recursive, write);
  }

  getUser(name: string): User | AuthError {
    return this.state().getUser(name);
  }

  getRole(name: string): Role | AuthError {
    return this.state().getRole(name);
  }

  userNames(): string[] {
    return this.state().userNames();
  }

  roleNames(): string[] {
    return this.state().roleNames();
  }

  /** `password` in a user change is the client's plaintext here; it is committed hashed. */
  async change(op: AuthOp): Promise<AuthResult> {
    if ((op.op === 'createUser' || op.op === 'updateUser') && op.password !== '') {
      return this.commit({ ...op, password: await hashPassword(op.password) });
    }
    return this.commit(op);
  }
}
