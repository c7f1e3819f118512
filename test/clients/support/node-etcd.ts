// The real node-etcd (v7) client, and its callback methods as promises.
import { createRequire } from 'node:module';

export const Etcd = createRequire(import.meta.url)('node-etcd');

export interface Answer {
  err: any;
  body: any;
  headers: Record<string, string>;
}

/** Calls a callback-style node-etcd method and resolves with what it called back with. */
export function call(client: any, method: string, ...args: unknown[]): Promise<Answer> {
  return new Promise((resolve) => client[method](...args, (err: any, body: any, headers: any) => resolve({ err, body, headers })));
}
