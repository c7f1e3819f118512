import { expect, test } from 'vitest';
import { decodeConfChange, encodeConfChange } from '../../raft/conf-change-codec.js';
import { ConfChangeType } from '../../raft/types.js';

test('a configuration change survives encoding and decoding', () => {
  const cc = { type: ConfChangeType.AddLearnerNode, nodeId: 'a1b2c3d4e5f60718', context: new Uint8Array([1, 2, 3]) };
  expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
});

test('malformed configuration change data is rejected with a clear error', () => {
  expect(() => decodeConfChange(new Uint8Array([0xc1]))).toThrow(/malformed configuration change/);
  const wrongShape = encodeConfChange({ type: ConfChangeType.AddNode, nodeId: 'x', context: new Uint8Array() }).slice(0, 2);
  expect(() => decodeConfChange(wrongShape)).toThrow(/malformed configuration change/);
});
