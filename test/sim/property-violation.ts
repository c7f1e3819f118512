// Raised the moment the simulator sees Raft break one of its guarantees (or the driver's own
// invariants): the run stops there, with the broken rule named in the message.
export type RaftProperty =
  | 'election safety'
  | 'log matching'
  | 'leader completeness'
  | 'state machine safety'
  | 'commit safety'
  | 'linearizable reads'
  | 'monotonic state'
  | 'persistence'
  | 'member invariants'
  | 'request identity'
  | 'exactly once'
  | 'liveness';

export class PropertyViolation extends Error {
  constructor(
    readonly property: RaftProperty,
    detail: string,
  ) {
    super(`${property} violated: ${detail}`);
    this.name = 'PropertyViolation';
  }
}
