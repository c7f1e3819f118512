// Invariants of the consensus core, checked in production: a violated one is a bug that must
// stop the member loudly rather than corrupt replicated state quietly.

export function invariant(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new Error(`raft invariant violated: ${typeof message === 'string' ? message : message()}`);
  }
}
