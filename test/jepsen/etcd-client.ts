// The workload's v2 client: one request, classified as a definite answer or an indeterminate one.
// A refused connection means the request was never sent (a definite "did not happen"); a
// timeout, reset or server error (5xx, raft errors) leaves the outcome unknown — as does a
// request the client itself gives up on once sent (`abortAfterMs`: a client that disconnects
// mid-request).
import { request } from 'node:http';

export type Reply =
  | { kind: 'answer'; status: number; body: any; etcdIndex: number }
  | { kind: 'not-sent'; error: string }
  | { kind: 'unknown'; error: string };

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export function v2Request(base: string, method: Method, key: string, params: Record<string, string | number | boolean>, timeoutMs: number, abortAfterMs?: number): Promise<Reply> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) form.set(k, String(v));
  const hasBody = method === 'PUT' || method === 'POST';
  const body = hasBody ? form.toString() : '';
  const query = !hasBody && [...form.keys()].length > 0 ? `?${form}` : '';
  const url = new URL(`${base}/v2/keys${key}${query}`);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Reply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request(
      url,
      {
        method,
        agent: false, // a fresh connection per request: no stale keep-alive sockets after a kill
        headers: hasBody ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => done({ kind: 'unknown', error: err.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: any;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            return done({ kind: 'unknown', error: `unparsable body (${res.statusCode})` });
          }
          done({ kind: 'answer', status: res.statusCode ?? 0, body: parsed, etcdIndex: Number(res.headers['x-etcd-index'] ?? -1) });
        });
      },
    );
    const timer = setTimeout(() => {
      done({ kind: 'unknown', error: `timeout after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? { kind: 'not-sent', error: err.code } : { kind: 'unknown', error: err.code ?? err.message }));
    if (abortAfterMs !== undefined) {
      // 'finish': the whole request has been handed to the kernel; the member may or may not act on it.
      req.once('finish', () => setTimeout(() => {
        done({ kind: 'unknown', error: `client disconnected ${abortAfterMs} ms after sending` });
        req.destroy();
      }, abortAfterMs));
    }
    req.end(body);
  });
}
