// The public surface of the consensus core.
export * from './types.js';
export * from './storage.js';
export { MemoryStorage } from './memory-storage.js';
export { RawNode } from './raw-node.js';
export type { RaftStatus, FollowerProgress } from './status.js';
export { ProgressState } from './progress.js';
export { encodeConfChange, decodeConfChange } from './conf-change-codec.js';
