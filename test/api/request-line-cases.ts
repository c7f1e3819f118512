// A fixed sample of random request lines (methods and raw target bytes llhttp may refuse) with
// the answers etcd 3.4.23 gave them, recorded by record-etcd-cases.ts into
// request-line-cases.expected.json. Only reads: the sample leaves the store as it found it.
import fc from 'fast-check';
import { loadCases } from './etcd-case.js';
import type { CaseRequest, EtcdCase } from './etcd-case.js';

/** One byte of a target: mostly what a key has, often what Go and llhttp read differently. */
export const targetByte = fc.oneof(
  fc.constantFrom('a', '/', '.', '%', '?', '=', '&', ' ', '%FF', '%C3%A9', '%2F', '\xc3\xa9', '\xef\xbf\xbd'),
  fc.integer({ min: 0x80, max: 0xff }).map((b) => String.fromCharCode(b)),
  fc.integer({ min: 0, max: 0xff }).filter((b) => b !== 0x0a).map((b) => String.fromCharCode(b)),
);
export const requestLineMethod = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'get', 'Get', 'head', 'post', 'FOO', 'M-SEARCH', 'G@T'),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0xff }).map((b) => String.fromCharCode(b)), minLength: 1, maxLength: 5 }),
);
/** A target under /v2/keys/fz/, where no key exists. */
export const fuzzTarget = fc.array(targetByte, { maxLength: 8 }).map((bytes) => '/v2/keys/fz/' + bytes.join(''));

export const requestLineCaseRequests: CaseRequest[] = fc
  .sample(fc.tuple(requestLineMethod, fuzzTarget), { seed: 2343, numRuns: 60 })
  .map(([method, target], k) => ({ name: `random request line #${k}`, method, target }));

export const loadRequestLineCases = (): EtcdCase[] => loadCases(requestLineCaseRequests, new URL('./request-line-cases.expected.json', import.meta.url));
