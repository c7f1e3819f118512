// Responses Go's net/http writes itself, which etcd lets through unchanged: http.Error texts,
// the mux's 404 and 301, and the bare 400 for a request line it cannot parse.
import type { FastifyReply } from 'fastify';

/**
 * Sends a body exactly as given. Fastify would append "; charset=utf-8" to the type of a string
 * body, which etcd does not send, so bodies go out as bytes; an empty body gets no type at all.
 */
export function sendText(reply: FastifyReply, text: string): FastifyReply {
  return reply.send(text === '' ? undefined : Buffer.from(text));
}

/** http.Error: the text plus a newline, as text/plain, told not to be sniffed. */
export function sendGoError(reply: FastifyReply, status: number, text: string): FastifyReply {
  reply
    .code(status)
    .header('Content-Type', 'text/plain; charset=utf-8')
    .header('X-Content-Type-Options', 'nosniff');
  return sendText(reply, text + '\n');
}

/** http.NotFound. */
export function sendNotFound(reply: FastifyReply): FastifyReply {
  return sendGoError(reply, 404, '404 page not found');
}

/** etcd's allowMethod refusal: 405 naming the allowed methods. */
export function sendMethodNotAllowed(reply: FastifyReply, allowed: readonly string[]): FastifyReply {
  reply.header('Allow', allowed.join(','));
  return sendGoError(reply, 405, 'Method Not Allowed');
}

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;' })[c]!);
}

/** Go's hexEscapeNonASCII: what http.Redirect makes of a Location header. */
function hexEscapeNonASCII(byteString: string): string {
  return byteString.replace(/[\x80-\xff]/g, (c) => '%' + c.charCodeAt(0).toString(16));
}

/**
 * http.Redirect with 301, to a location given as a byte string (a raw query keeps its bytes):
 * GET gets a small HTML body, HEAD its type, other methods neither.
 */
export function sendMovedPermanently(reply: FastifyReply, method: string, location: string): FastifyReply {
  reply.code(301).header('Location', hexEscapeNonASCII(location));
  if (method !== 'GET' && method !== 'HEAD') return sendText(reply, '');
  reply.header('Content-Type', 'text/html; charset=utf-8');
  return reply.send(method === 'GET' ? Buffer.from(`<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n`, 'latin1') : undefined);
}

/** Go's bare answer to a request target it cannot parse (the connection then closes). */
export function sendBadRequest(reply: FastifyReply): FastifyReply {
  reply.code(400).header('Content-Type', 'text/plain; charset=utf-8').header('Connection', 'close');
  return sendText(reply, '400 Bad Request');
}

/** What Go's server writes, and then closes, when it cannot parse a request. */
export function rawBadRequest(status = 400, reason = 'Bad Request'): string {
  const text = `${status} ${reason}`;
  return `HTTP/1.1 ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${text}`;
}
