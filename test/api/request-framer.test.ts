// The framer rewrites request lines and nothing else, wherever the chunks happen to split.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestFramer } from '../../api/request-framer.js';
import { STAND_IN_METHOD, originalTarget } from '../../api/request-line.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
// Bodies that hold what would be rewritten in a request line.
const LURE = 'get /x\xff HTTP/1.1\r\n';
const PIPELINE = bytes(
  'GET /v2/keys/a HTTP/1.1\r\nHost: h\r\n\r\n' +
    `PUT /v2/keys/\xc3\xa9 HTTP/1.1\r\nContent-Length: ${LURE.length}\r\n\r\n${LURE}` +
    `POST /v2/keys/q HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n${LURE.length.toString(16)};ext=1\r\n${LURE}\r\n0\r\nX-Trailer: ${LURE}\r\n` +
    'get /v2/keys/b HTTP/1.1\r\nContent-Length: 0\r\n\r\n',
);

function run(chunks: Buffer[]): Buffer {
  const framer = new RequestFramer();
  return Buffer.concat([...chunks.flatMap((c) => framer.feed(c)), framer.flush()]);
}

function requestLines(out: Buffer): string[] {
  return out.toString('latin1').split('\r\n').filter((line) => / HTTP\/1\.1$/.test(line));
}

describe('RequestFramer', () => {
  it('rewrites every request line of a pipeline and leaves bodies, chunks and trailers alone', () => {
    const lines = requestLines(run([PIPELINE]));
    expect(lines).toHaveLength(7); // four requests; lures in a body, a chunk and a trailer
    expect(lines[0]).toBe('GET /v2/keys/a HTTP/1.1');
    const [, target] = lines[1]!.split(' ');
    expect(lines[1]!.startsWith('PUT /')).toBe(true);
    expect(originalTarget(target!)).toBe('/v2/keys/\xc3\xa9');
    expect(lines.filter((l) => l.endsWith(LURE.slice(0, -2)))).toHaveLength(3);
    expect(lines[6]).toBe(`${STAND_IN_METHOD} /v2/keys/b HTTP/1.1`);
  });

  it('gives the same bytes however the stream is split', () => {
    const whole = run([PIPELINE]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: PIPELINE.length - 1 }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), PIPELINE.length];
        const chunks = at.slice(1).map((end, k) => PIPELINE.subarray(at[k], end));
        expect(run(chunks).equals(whole)).toBe(true);
      }),
    );
  });

  it('hands a chunk that needs nothing on as it is', () => {
    const chunk = bytes('GET /v2/keys/a HTTP/1.1\r\nHost: h\r\n\r\n');
    const out = new RequestFramer().feed(chunk);
    expect(out).toHaveLength(1);
    expect(out[0]!.buffer).toBe(chunk.buffer);
  });

  it('steps aside after an upgrade, a framing llhttp refuses or an endless line', () => {
    for (const head of [
      'GET / HTTP/1.1\r\nUpgrade: x\r\n\r\n',
      'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
    ]) {
      const after = 'get /\xff HTTP/1.1\r\n\r\n';
      expect(run([bytes(head + after)]).toString('latin1')).toBe(head + after);
    }
    const endless = bytes('GET /' + 'a'.repeat(20_000));
    expect(run([endless, bytes('\xff HTTP/1.1\r\n\r\n')]).toString('latin1')).toBe(endless.toString('latin1') + '\xff HTTP/1.1\r\n\r\n');
  });
});
