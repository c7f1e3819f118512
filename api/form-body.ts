// Reads a request's form body the way Go's ParseForm does, but never more than a set number of
// bytes: a larger body is refused with Go's "http: POST too large" without being buffered.
import type { IncomingMessage } from 'node:http';
import { mergeForm, parseQuery, planBody } from './form.js';
import type { BodyPlan, FormValues, ParsedForm } from './form.js';

export const POST_TOO_LARGE = 'http: POST too large';

/** The client closed its connection before sending its whole body: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('client closed the connection before sending the whole body');
    this.name = 'ClientGoneError';
  }
}

export interface FormRequest {
  raw: IncomingMessage;
  method: string;
  contentType: string | undefined;
  rawQuery: string;
  /** Largest body read (Go's ParseForm: 10 MiB). */
  maxBodyBytes: number;
}

export interface ReadForm extends ParsedForm {
  /** True when the body was left unread because it was too large: the connection should close. */
  abandoned: boolean;
}

/** The request's parameters: its form body (when Go would read one) merged with its query. */
export async function readForm(req: FormRequest): Promise<ReadForm> {
  const plan = planBody(req.method, req.contentType);
  if (!plan.read) return queryForm(plan, req.rawQuery);
  const bytes = await readAtMost(req.raw, req.maxBodyBytes);
  if (bytes === undefined) return { values: new Map(), error: POST_TOO_LARGE, abandoned: true };
  const values: FormValues = new Map();
  const parseError = parseQuery(bytes, values);
  const error = plan.error ?? parseError;
  return { ...mergeForm(error === undefined ? { values } : { values, error }, req.rawQuery), abandoned: false };
}

/** The parameters of a request whose body Go does not read (its query alone); undefined for one it does. */
export function bodilessForm(method: string, contentType: string | undefined, rawQuery: string): ReadForm | undefined {
  const plan = planBody(method, contentType);
  return plan.read ? undefined : queryForm(plan, rawQuery);
}

/** The query's values, with the body plan's error (a bad Content-Type) if it has one. */
function queryForm(plan: BodyPlan, rawQuery: string): ReadForm {
  const body: ParsedForm = plan.error === undefined ? { values: new Map() } : { values: new Map(), error: plan.error };
  return { ...mergeForm(body, rawQuery), abandoned: false };
}

/** The whole body if it has at most `limit` bytes; undefined (and the stream paused) otherwise. */
export function readAtMost(raw: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (raw.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onGone);
      raw.off('close', onGone);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        raw.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    // A request stream fails or closes early only when its client went away.
    const onGone = (): void => {
      cleanup();
      reject(new ClientGoneError());
    };
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onGone);
    raw.on('close', onGone);
  });
}
