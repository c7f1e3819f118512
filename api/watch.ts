// A watch (wait=true): etcd flushes the headers at once, X-Etcd-Index being the index the watch
// started at, then writes each matching event as a JSON line; a long poll ends after the first,
// a stream (stream=true) stays open. When the client goes away the watch is closed.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { MemberService, WatchHandle } from '../src/server/member-service.js';
import { EtcdError } from '../src/store/types.js';
import type { StoreEvent, V2Request } from '../src/store/types.js';
import type { Answer } from './answer.js';
import { replyWith } from './answer.js';
import { asEtcdError, etcdErrorAnswer } from './etcd-responses.js';
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

/** A watch the member has opened, not yet answered. */
export interface OpenedWatch {
  handle: WatchHandle;
  response: WatchResponse;
}

/** Opens the member's watch for `req`, or says how etcd refuses it. */
export function openWatch(service: MemberService, req: V2Request, log: { warn(obj: object, msg: string): void }): OpenedWatch | Answer {
  const response = new WatchResponse(req.stream === true);
  try {
    return { handle: service.watch(req, response.onEvent, response.onClosed), response };
  } catch (err) {
    if (!(err instanceof EtcdError)) log.warn({ err }, 'watch failed');
    return etcdErrorAnswer(asEtcdError(err));
  }
}

/** Flushes the watch's headers after `leading` ones (CORS, cluster id) and starts its events. */
export function startWatch(res: ServerResponse, leading: readonly string[], service: MemberService, watch: OpenedWatch): void {
  const { raftIndex, raftTerm } = service.indexes();
  res.writeHead(200, [...leading,
    'Content-Type', 'application/json',
    'X-Etcd-Index', String(watch.handle.startIndex),
    'X-Raft-Index', String(raftIndex),
    'X-Raft-Term', String(raftTerm)]);
  res.flushHeaders();
  watch.response.start(watch.handle, res);
}

export function serveWatch(reply: FastifyReply, service: MemberService, req: V2Request, log: { warn(obj: object, msg: string): void }): FastifyReply {
  const watch = openWatch(service, req, log);
  if ('status' in watch) return replyWith(reply, watch);
  reply.hijack();
  const leading: string[] = [];
  const set = reply.getHeaders();
  for (const name in set) {
    const value = set[name];
    if (value !== undefined) leading.push(name, String(value));
  }
  startWatch(reply.raw, leading, service, watch);
  return reply;
}
