// The discovery client's HTTP over node's http and https, optionally through --discovery-proxy as
// Go's http.Transport uses a proxy: an http:// target is asked of the proxy with its absolute URL,
// an https:// target through a CONNECT tunnel, with TLS to the target inside it. https targets are
// checked against `ca` when given (etcd's discovery client: Go's system roots, see bin/discovery-roots.ts),
// else node's roots; no client certificate is presented, as etcd presents none.
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { DiscoveryHttp, DiscoveryRequest } from './keys-client.js';

/**
 * etcd's newProxyFunc: a proxy written without an http(s) scheme ("proxy.example:3128") is read as
 * http://; undefined when there is no proxy. Throws etcd's message for an unusable one.
 */
export function parseDiscoveryProxy(proxy: string): URL | undefined {
  if (proxy === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(proxy);
  } catch {
    url = undefined;
  }
  if (!url || !url.protocol.startsWith('http')) {
    try {
      url = new URL(`http://${proxy}`);
    } catch (err) {
      throw new Error(`invalid proxy address ${JSON.stringify(proxy)}: ${(err as Error).message}`);
    }
  }
  if (url.protocol !== 'http:') throw new Error(`--discovery-proxy=${proxy}: only http:// proxies are supported`);
  return url;
}

export function nodeDiscoveryHttp(proxy: URL | undefined, ca?: string[]): DiscoveryHttp {
  return (req) =>
    new Promise((resolve, reject) => {
      const target = new URL(req.url);
      const body = req.form ? new URLSearchParams(req.form).toString() : undefined;
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) };
      const sent = send(target, req, headers, proxy, ca, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const etcdIndex = res.headers['x-etcd-index'];
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), etcdIndex: Array.isArray(etcdIndex) ? etcdIndex[0] : etcdIndex });
        });
        res.on('error', reject);
      });
      sent.on('error', reject);
      if (req.timeoutMs !== undefined) sent.setTimeout(req.timeoutMs, () => sent.destroy(new Error('context deadline exceeded')));
      sent.end(body);
    });
}

function send(target: URL, req: DiscoveryRequest, headers: Record<string, string>, proxy: URL | undefined, ca: string[] | undefined, onResponse: (res: IncomingMessage) => void): ClientRequest {
  const https = target.protocol === 'https:';
  const trust = ca ? { ca } : {};
  if (!proxy) return https ? httpsRequest(target, { method: req.method, headers, ...trust }, onResponse) : httpRequest(target, { method: req.method, headers }, onResponse);
  const viaProxy: RequestOptions = { host: proxy.hostname, port: proxy.port || 80, headers: { ...headers, ...proxyAuthorization(proxy) } };
  if (!https) return httpRequest({ ...viaProxy, method: req.method, path: target.href, headers: { ...viaProxy.headers, host: target.host } }, onResponse);
  return httpsRequest(target, {
    method: req.method,
    headers,
    createConnection: (_opts, done) => {
      const port = target.port || '443';
      httpRequest({ ...viaProxy, method: 'CONNECT', path: `${target.hostname}:${port}`, headers: { ...proxyAuthorization(proxy), host: `${target.hostname}:${port}` } })
        .on('connect', (res, socket) => {
          if (res.statusCode !== 200) return done(new Error(`proxy refused CONNECT: ${res.statusCode}`), socket);
          done(null, tlsConnect({ socket, servername: target.hostname, ...trust }));
        })
        .on('error', (err) => done(err, undefined as never))
        .end();
      return undefined;
    },
  }, onResponse);
}

/** Go sends the proxy URL's user info as Basic Proxy-Authorization. */
function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === '') return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}
