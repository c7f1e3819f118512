// A watch (wait=true): etcd flushes the headers at once, X-Etcd-Index being the index the watch
// started at, then writes each matching event as a JSON line; a long poll ends after the first,
// a stream (stream=true) stays open. When the client goes away the watch is closed.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { MemberService, WatchHandle } from '../src/server/member-service.js';
import { EtcdError } from '../src/store/types.js';
import type { StoreEvent, V2Request } from '../src/store/types.js';
import { asEtcdError, sendEtcdError } from './etcd-responses.js';
import { encodeEvent } from './event-json.js';

/**
 * A stream whose reader lets this much pile up unsent is ended, as etcd drops a watcher whose
 * event queue (100 events) fills: the client reconnects with a waitIndex and catches up.
 */
const MAX_UNSENT_STREAM_BYTES = 1 << 20;

/**
 * One write wakes every watcher of its path with the same event object: its JSON line is
 * encoded for the first of them and reused by the rest.
 */
let lastEvent: StoreEvent | undefined;
let lastLine = '';
function eventLine(ev: StoreEvent): string {
  if (ev !== lastEvent) {
    lastLine = encodeEvent(ev);
    lastEvent = ev;
  }
  return lastLine;
}

/** One watch's response. Events, and the member ending the watch, may come before it starts. */
class WatchResponse {
  private res: ServerResponse | undefined;
  private handle: WatchHandle | undefined;
  private readonly early: StoreEvent[] = [];
  private endedEarly = false;
  private finished = false;

  constructor(private readonly stream: boolean) {}

  readonly onEvent = (ev: StoreEvent): void => {
    if (this.res) this.write(ev);
    else this.early.push(ev);
  };

  readonly onClosed = (): void => {
    if (this.res) this.finish();
    else this.endedEarly = true;
  };

  start(handle: WatchHandle, res: ServerResponse): void {
    this.handle = handle;
    this.res = res;
    res.on('close', () => this.finish());
    for (const ev of this.early) this.write(ev);
    if (this.endedEarly) this.finish();
  }

  /**
   * The chunk's size line, the line, its CRLF and (for a long poll) the last chunk go out in one
   * write. node corks a write only while the connection says it is not corked, which our
   * connections (shimmed-socket.ts) stop saying after their first response: without the explicit
   * cork each event cost five writes to the socket.
   */
  private write(ev: StoreEvent): void {
    if (this.finished) return;
    // end(chunk) corks the socket itself.
    if (!this.stream) return this.finish(eventLine(ev));
    const res = this.res!;
    res.cork();
    res.write(eventLine(ev));
    res.uncork();
    if (res.writableLength > MAX_UNSENT_STREAM_BYTES) this.finish();
  }

  /** Ends the response, with `lastLine` as its last chunk when there is one. */
  private finish(lastLine?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.handle!.close();
    if (!this.res!.writableEnded) this.res!.end(lastLine);
  }
}

export function serveWatch(reply: FastifyReply, service: MemberService, req: V2Request, log: FastifyBaseLogger): FastifyReply {
  const response = new WatchResponse(req.stream === true);
  let handle: WatchHandle;
  try {
    handle = service.watch(req, response.onEvent, response.onClosed);
  } catch (err) {
    if (!(err instanceof EtcdError)) log.warn({ err }, 'watch failed');
    return sendEtcdError(reply, asEtcdError(err));
  }
  reply.hijack();
  // The headers set so far (CORS, cluster id), then the watch's own, in one object built once.
  const headers: OutgoingHttpHeaders = {};
  const set = reply.getHeaders();
  for (const name in set) {
    const value = set[name];
    if (value !== undefined) headers[name] = value;
  }
  const { raftIndex, raftTerm } = service.indexes();
  headers['Content-Type'] = 'application/json';
  headers['X-Etcd-Index'] = String(handle.startIndex);
  headers['X-Raft-Index'] = String(raftIndex);
  headers['X-Raft-Term'] = String(raftTerm);
  reply.raw.writeHead(200, headers);
  reply.raw.flushHeaders();
  response.start(handle, reply.raw);
  return reply;
}
