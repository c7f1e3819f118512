// A response as a value — status, headers in the order they go out, body — so that one answer can
// be sent through fastify or written straight to a socket (the /v2/keys fast path) alike.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { sendText } from './go-responses.js';

export interface Answer {
  status: number;
  /** Header names (lower case, as fastify sends them) and values, alternating. */
  headers: string[];
  body: string;
}

/** Sends `answer` through fastify, after the headers the reply already holds. */
export function replyWith(reply: FastifyReply, answer: Answer): FastifyReply {
  reply.code(answer.status);
  const { headers } = answer;
  for (let i = 0; i < headers.length; i += 2) reply.header(headers[i]!, headers[i + 1]!);
  return sendText(reply, answer.body);
}

/**
 * Writes `answer` with `leading` headers before its own, in one writeHead: the bytes fastify
 * would send for the same reply (its Content-Length last; Date and Connection are node's).
 */
export function writeAnswer(res: ServerResponse, leading: readonly string[], answer: Answer): void {
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, [...leading, ...answer.headers, 'content-length', String(body.length)]);
  res.end(body);
}
