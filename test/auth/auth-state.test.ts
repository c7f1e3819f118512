// The replicated auth state alone: etcd's refusals and results, the store writes each change
// stands for, and its data round trip.
import { describe, expect, it } from 'vitest';
import { AuthState } from '../../src/auth/auth-state.js';
import type { AuthOp, AuthResult, InternalWrite } from '../../src/auth/auth-state.js';

const DIRS: InternalWrite[] = ['/2', '/2/users', '/2/roles', '/2/enabled'].map((key) => ({ action: 'create', key }));

function refusal(result: AuthResult): [number, string] | undefined {
  return result.kind === 'refused' ? [result.error.status, result.error.message] : undefined;
}

function withRoot(): AuthState {
  const s = new AuthState();
  s.apply({ op: 'createUser', user: 'root', password: 'h-root', roles: null, orUpdate: true });
  return s;
}

describe('AuthState', () => {
  it('makes etcd auth directories on its first write, even one that is refused', () => {
    const s = new AuthState();
    const first = s.apply({ op: 'deleteUser', user: 'nobody' });
    expect(refusal(first.result)).toEqual([404, 'auth: User nobody does not exist']);
    expect(first.writes).toEqual(DIRS);
    expect(s.apply({ op: 'deleteUser', user: 'nobody' }).writes).toEqual([]);
  });

  it('refuses before the directories where etcd refuses before writing', () => {
    const s = new AuthState();
    for (const op of [
      { op: 'createUser', user: 'a', password: '', roles: null, orUpdate: true },
      { op: 'updateUser', user: 'a', password: 'h', grant: ['r'], revoke: null },
      { op: 'createRole', role: { role: 'root', permissions: { kv: { read: null, write: null } } } },
      { op: 'updateRole', role: 'nope', grant: { kv: { read: ['/a'], write: null } } },
      { op: 'enable' },
      { op: 'disable' },
    ] satisfies AuthOp[]) {
      const applied = s.apply(op);
      expect(applied.result.kind, op.op).toBe('refused');
      expect(applied.writes, op.op).toEqual([]);
    }
  });

  it('gives root the root role, and enabling creates guest with all access', () => {
    const s = withRoot();
    expect(s.getUser('root')).toEqual({ user: 'root', password: 'h-root', roles: ['root'] });
    const enabled = s.apply({ op: 'enable' });
    expect(enabled.result).toEqual({ kind: 'done' });
    expect(enabled.writes).toEqual([{ action: 'create', key: '/2/roles/guest' }, { action: 'update', key: '/2/enabled' }]);
    expect(s.getRole('guest')).toEqual({ role: 'guest', permissions: { kv: { read: ['/*'], write: ['/*'] } } });
    expect(refusal(s.apply({ op: 'deleteUser', user: 'root' }).result)).toEqual([403, 'auth: Cannot delete root user while auth is enabled.']);
    expect(refusal(s.apply({ op: 'enable' }).result)).toEqual([409, 'auth: already enabled']);
  });

  it('merges user grants and revokes as sets, sorted, and refuses a change that changes nothing', () => {
    const s = withRoot();
    s.apply({ op: 'createUser', user: 'u', password: 'h1', roles: null, orUpdate: true });
    const granted = s.apply({ op: 'updateUser', user: 'u', password: '', grant: ['b', 'a'], revoke: null });
    expect(granted.result).toEqual({ kind: 'user', user: { user: 'u', password: 'h1', roles: ['a', 'b'] }, created: false });
    expect(granted.writes).toEqual([{ action: 'update', key: '/2/users/u' }]);
    expect(refusal(s.apply({ op: 'updateUser', user: 'u', password: '', grant: ['a'], revoke: null }).result)).toEqual([409, 'auth: Granting duplicate role a for user u']);
    expect(refusal(s.apply({ op: 'updateUser', user: 'u', password: '', grant: null, revoke: ['z'] }).result)).toEqual([409, 'auth: Revoking ungranted role z for user u']);
    expect(refusal(s.apply({ op: 'createUser', user: 'u', password: '', roles: null, orUpdate: true }).result)).toEqual([400, 'auth: User not updated. Use grant/revoke/password to update the user.']);
    expect(s.apply({ op: 'createUser', user: 'u', password: 'h2', roles: null, orUpdate: true }).result).toMatchObject({ kind: 'user', created: false });
    expect((s.getUser('u') as { password: string }).password).toBe('h2');
  });

  it('keeps Go nil apart from empty in roles: a revoke of nothing still turns null into []', () => {
    const s = new AuthState();
    s.apply({ op: 'createRole', role: { role: 'r', permissions: { kv: { read: ['/b', '/a', '/a'], write: null } } } });
    expect(s.getRole('r')).toEqual({ role: 'r', permissions: { kv: { read: ['/b', '/a', '/a'], write: null } } });
    const updated = s.apply({ op: 'updateRole', role: 'r', revoke: { kv: { read: ['/x'], write: null } } });
    expect(updated.result).toEqual({ kind: 'role', role: { role: 'r', permissions: { kv: { read: ['/a', '/b'], write: [] } } } });
    expect(refusal(s.apply({ op: 'updateRole', role: 'r', revoke: { kv: { read: ['/x'], write: null } } }).result)).toEqual([
      400,
      'auth: Role not updated. Use grant/revoke to update the role.',
    ]);
    expect(refusal(s.apply({ op: 'updateRole', role: 'r', grant: { kv: { read: ['/a'], write: null } } }).result)).toEqual([409, 'auth: Granting duplicate read permission /a']);
  });

  it('hides names starting with _ from the lists, as etcd store listings do', () => {
    const s = withRoot();
    s.apply({ op: 'createUser', user: '_h', password: 'h', roles: ['r'], orUpdate: false });
    s.apply({ op: 'createRole', role: { role: '_r', permissions: { kv: { read: null, write: null } } } });
    expect(s.userNames()).toEqual(['root']);
    expect(s.roleNames()).toEqual(['root']);
    expect(s.getUser('_h')).toMatchObject({ user: '_h' });
  });

  it('round-trips through its data, in name order whatever the insertion order', () => {
    const a = withRoot();
    a.apply({ op: 'createUser', user: 'zed', password: 'h', roles: ['x'], orUpdate: false });
    a.apply({ op: 'createRole', role: { role: 'x', permissions: { kv: { read: ['/k'], write: null } }, grant: { kv: { read: null, write: null } } } });
    a.apply({ op: 'enable' });
    const b = AuthState.fromData(structuredClone(a.toData()));
    expect(b.toData()).toEqual(a.toData());
    expect(b.enabled).toBe(true);
    expect(a.toData().users.map((u) => u.user)).toEqual(['root', 'zed']);
    expect(b.apply({ op: 'deleteRole', role: 'x' }).writes).toEqual([{ action: 'delete', key: '/2/roles/x' }]);
  });
});
