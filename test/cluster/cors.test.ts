// --cors reaches a real member: `raftkv --cors http://a.example:8080` answers as etcd 3.4.23 did
// with the same flag. (etcd, and raftkv's flag parsing, refuse `--cors http://a.example`: an
// origin must carry its port.)
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../bench/harness/process-cluster.js';

/** The response headers of a GET sent with the given Origin header. */
function headersFor(url: string, origin: string): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { origin }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    });
    req.on('error', reject);
  });
}

describe('a member started with --cors', () => {
  let cluster: ProcessCluster;
  beforeAll(async () => {
    cluster = await ProcessCluster.start({ size: 1, extraFlags: ['--cors', 'http://a.example:8080'] });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('echoes a listed origin in Access-Control-Allow-Origin', async () => {
    const headers = await headersFor(`${cluster.url(0)}/v2/keys/`, 'http://a.example:8080');
    expect(headers).toMatchObject({
      'access-control-allow-origin': 'http://a.example:8080',
      'access-control-allow-methods': 'POST, GET, OPTIONS, PUT, DELETE',
      'access-control-allow-headers': 'accept, content-type, authorization',
    });
  });

  it('gives any other origin no CORS header at all', async () => {
    const headers = await headersFor(`${cluster.url(0)}/v2/keys/`, 'http://c.example:8080');
    expect(headers['content-type']).toBe('application/json');
    expect(Object.keys(headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
