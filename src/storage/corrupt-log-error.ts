// The one error load() throws for damaged durable state: it says what is wrong and where, so an
// operator can decide between repairing the member and re-adding it with an empty data dir.

export class CorruptLogError extends Error {
  constructor(
    /** What is wrong: "checksum mismatch", "gap in entry indexes", ... */
    readonly what: string,
    /** Where: "entry 42", "hard state", "snapshot file /data/member/snap/...". */
    readonly where: string,
    /** The entry index involved, when there is one. */
    readonly index?: number,
  ) {
    super(`raft log is corrupt: ${what} at ${where}`);
    this.name = 'CorruptLogError';
  }
}
