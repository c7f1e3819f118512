// The format of the recorded etcd corpus, and the normalization that lets a raftkv member's
// answers be compared with etcd's byte for byte: indexes become offsets from the store index the
// run started at, times and TTLs placeholders, Raft numbers and the cluster id just "present".
import { readFileSync } from 'node:fs';
import type { RawRequest, RawResponse } from './raw-http.js';

export interface CaseRequest extends RawRequest {
  /** The behaviour the case pins down. */
  name: string;
  /** For watches: how long to read before taking what arrived as the answer. */
  readMs?: number;
  /** Bodies that name this cluster's members, URLs or live statistics are not compared. */
  ignoreBody?: true;
}

export interface Expected {
  status: number;
  /** Every header but the transport's own, normalized. */
  headers: Record<string, string>;
  /** Normalized body; null when the case says not to compare it. */
  body: string | null;
}

export interface EtcdCase extends CaseRequest {
  expected: Expected;
}

/** Headers that belong to the transport, not to etcd's answer. */
const TRANSPORT_HEADERS = new Set(['date', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'trailer']);
/** A run writes far fewer entries than this: numbers past it (like prevIndex=99999) are literal. */
const INDEX_WINDOW = 5000;

/** `{{idx:K}}` in a request target or body is the store index the run started at, plus K. */
export function resolveTemplate(text: string, base: number): string {
  return text.replace(/\{\{idx:(\d+)\}\}/g, (_, k: string) => String(base + Number(k)));
}

function indexToken(n: number, base: number): string | undefined {
  return n > base && n <= base + INDEX_WINDOW ? `{{idx:${n - base}}}` : undefined;
}

export function normalizeBody(body: string, base: number): string {
  return body
    .replace(/"(modifiedIndex|createdIndex|index)":(\d+)/g, (m, field: string, n: string) => {
      const token = indexToken(Number(n), base);
      return token === undefined ? m : `"${field}":"${token}"`;
    })
    .replace(/\[(\d+) != (\d+)\]/g, (_m, a: string, b: string) => `[${indexToken(Number(a), base) ?? a} != ${indexToken(Number(b), base) ?? b}]`)
    .replace(/\/(\d{20})(?=["/])/g, (_m, n: string) => '/' + (indexToken(Number(n), base) ?? n))
    .replace(/"expiration":"[^"]*"/g, '"expiration":"<time>"')
    .replace(/"ttl":-?\d+/g, '"ttl":"<ttl>"');
}

export function normalizeHeaders(headers: RawResponse['headers'], base: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (TRANSPORT_HEADERS.has(name)) continue;
    if (name === 'x-etcd-index') out[name] = indexToken(Number(value), base) ?? value;
    else if (name === 'x-raft-index' || name === 'x-raft-term') out[name] = /^\d+$/.test(value) ? '<number>' : value;
    else if (name === 'x-etcd-cluster-id') out[name] = /^[0-9a-f]+$/.test(value) ? '<cluster-id>' : value;
    else out[name] = value;
  }
  return out;
}

export function normalizeResponse(res: RawResponse, base: number, ignoreBody: boolean): Expected {
  return { status: res.status, headers: normalizeHeaders(res.headers, base), body: ignoreBody ? null : normalizeBody(res.body, base) };
}

/** The request with its templates filled in for a run that started at store index `base`. */
export function concreteRequest(c: CaseRequest, base: number): RawRequest {
  const req: RawRequest = { method: c.method, target: resolveTemplate(c.target, base) };
  if (c.body !== undefined) req.body = resolveTemplate(c.body, base);
  if (c.contentType !== undefined) req.contentType = c.contentType;
  if (c.headers !== undefined) req.headers = c.headers;
  return req;
}

/** A corpus with the answers record-etcd-cases.ts recorded for it into `expectedFile`. */
export function loadCases(requests: CaseRequest[], expectedFile: URL): EtcdCase[] {
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Record<string, Expected>;
  return requests.map((c) => {
    const answer = expected[c.name];
    if (answer === undefined) throw new Error(`no recorded answer for "${c.name}": run record-etcd-cases.ts`);
    return { ...c, expected: answer };
  });
}
