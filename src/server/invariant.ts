// Invariants of a member, checked in production (and so in the simulator, which runs the same
// code): a broken one stops the member loudly rather than let it serve wrong state quietly.

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function invariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new InvariantError(`server invariant violated: ${message()}`);
}
