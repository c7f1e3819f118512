// etcd's own response shapes: v2 errors ({errorCode, message, cause, index}), the members and
// stats handlers' {"message"} errors, and JSON bodies written with Go's encoder.
import type { FastifyReply } from 'fastify';
import { EtcdError, ErrorCode } from '../src/store/types.js';
import type { Answer } from './answer.js';
import { replyWith } from './answer.js';
import { goJSON } from './go-json.js';
import { sendText } from './go-responses.js';

/** v2error.Error.WriteTo: X-Etcd-Index is the error's index (0 for a refused request). */
export function etcdErrorAnswer(err: EtcdError): Answer {
  return { status: err.status, headers: ['content-type', 'application/json', 'x-etcd-index', String(err.index)], body: goJSON(err) + '\n' };
}

export function sendEtcdError(reply: FastifyReply, err: EtcdError): FastifyReply {
  return replyWith(reply, etcdErrorAnswer(err));
}

/** etcd's answer to a failure that is not an etcd error: 300 with the failure as cause. */
export function asEtcdError(err: unknown): EtcdError {
  if (err instanceof EtcdError) return err;
  return new EtcdError(ErrorCode.RaftInternal, err instanceof Error ? err.message : String(err));
}

/** httptypes.HTTPError.WriteTo: {"message":...} with no trailing newline. */
export function sendMessageError(reply: FastifyReply, status: number, message: string): FastifyReply {
  reply.code(status).header('Content-Type', 'application/json');
  return sendText(reply, goJSON({ message }));
}

/** A JSON body as etcd writes it: `encoder` bodies end with a newline, `marshal` ones do not. */
export function sendJSON(reply: FastifyReply, value: unknown, style: 'encoder' | 'marshal', status = 200): FastifyReply {
  reply.code(status).header('Content-Type', 'application/json');
  return sendText(reply, goJSON(value) + (style === 'encoder' ? '\n' : ''));
}
