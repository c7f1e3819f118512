// A lower bound for any /v2/keys read served with node's HTTP stack: node:http alone, answering
// every GET with a fixed etcd v2 body for a 256-byte value and etcd's headers (every PUT with a
// fixed 201), and doing nothing else: no framework, no store, no raft, no logger. Run by
// bench/floor/http-floor.ts beside raftkv and etcd; never part of raftkv.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const VALUE = 'x'.repeat(256);
let index = 1000;

function body(action: string, key: string): string {
  return `{"action":"${action}","node":{"key":${JSON.stringify(key)},"value":"${VALUE}","modifiedIndex":${index},"createdIndex":${index}}}`;
}

createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const put = req.method === 'PUT';
    if (put) index++;
    const text = body(put ? 'set' : 'get', (req.url ?? '').split('?')[0]!.slice('/v2/keys'.length));
    res.writeHead(put ? 201 : 200, [
      'content-type', 'application/json',
      'x-etcd-cluster-id', 'cdf818194e3a8c32',
      'x-etcd-index', String(index),
      'x-raft-index', String(index + 5),
      'x-raft-term', '2',
      'content-length', String(Buffer.byteLength(text)),
    ]);
    res.end(text);
  });
}).listen(port, '127.0.0.1', () => process.send?.('listening'));
