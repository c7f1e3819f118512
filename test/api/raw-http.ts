// A raw HTTP/1.1 exchange over a socket: the request goes out byte for byte (fetch would clean
// `..` out of paths and re-encode them), the response comes back undecoded but de-chunked.
import net from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target exactly as sent, e.g. "/v2/keys//a?x=1"; each character one byte (latin1). */
  target: string;
  body?: string;
  /** Content-Type to send; none when absent. */
  contentType?: string;
  /** Further request headers, sent in this order (a name may repeat). */
  headers?: [name: string, value: string][];
}

export interface RawResponse {
  status: number;
  /** Header names lower-cased, in arrival order. */
  headers: [name: string, value: string][];
  body: string;
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0) || lineEnd + 2 + size > raw.length) break; // the end, or a chunk still coming
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseResponse(raw: Buffer): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`no complete response head in ${JSON.stringify(raw.toString('latin1'))}`);
  const [statusLine, ...lines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const chunked = headers.some(([name, value]) => name === 'transfer-encoding' && value === 'chunked');
  const rest = raw.subarray(headEnd + 4);
  return { status: Number(statusLine!.split(' ')[1]), headers, body: (chunked ? dechunk(rest) : rest).toString('utf8') };
}

/** A connection closed or reset before any byte of an answer. */
export const NO_ANSWER: RawResponse = { status: 0, headers: [], body: '' };

/**
 * Sends the request with `Connection: close` and reads until the server closes, or for at most
 * `readMs` (a watch stays open: what arrived by then is the answer). Go may close (or, with
 * bytes unread, reset) a connection it refuses: what arrived is the answer, nothing is NO_ANSWER.
 */
export function exchange(port: number, req: RawRequest, readMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(chunks.length === 0 ? NO_ANSWER : parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    };
    const timer = setTimeout(done, readMs);
    let head = `${req.method} ${req.target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
    if (req.contentType !== undefined) head += `Content-Type: ${req.contentType}\r\n`;
    if (req.body !== undefined) head += `Content-Length: ${Buffer.byteLength(req.body)}\r\n`;
    for (const [name, value] of req.headers ?? []) head += `${name}: ${value}\r\n`;
    socket.write(Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), Buffer.from(req.body ?? '')]));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', done);
    socket.on('error', (err: Error & { code?: string }) => {
      clearTimeout(timer);
      // Go may close a connection it refused with unread bytes in it: a reset, with or without its 400.
      if (err.code === 'ECONNRESET') done();
      else reject(err);
    });
  });
}
