// Live watchers by the path they watch (etcd's watcherHub). Matching happens while an
// operation runs, exactly where etcd does it; delivery waits until the operation has finished,
// so a callback always sees a consistent store.
import { isHiddenBelow } from './path.js';
import { EtcdError } from './types.js';
import type { StoreEvent } from './types.js';

export type EventCallback = (ev: StoreEvent) => void;
/** Told when the watcher is dropped because the events it waits for left the history (401). */
export type ClearedCallback = (err: EtcdError) => void;

/** The first event at or after `since` for a watcher of key; throws 401 when `since` left the history. */
export type HistoryScan = (key: string, recursive: boolean, since: number) => StoreEvent | undefined;

export interface StoreWatcher {
  /** Stops the watch and frees it; safe to call more than once, or after a one-shot fired. */
  remove(): void;
}

class RegisteredWatcher implements StoreWatcher {
  removed = false;

  constructor(
    private readonly hub: WatcherHub,
    readonly key: string,
    readonly recursive: boolean,
    readonly stream: boolean,
    readonly sinceIndex: number,
    readonly onEvent: EventCallback,
    readonly onCleared: ClearedCallback | undefined,
  ) {}

  remove(): void {
    this.hub.unregister(this);
  }
}

export class WatcherHub {
  private readonly byKey = new Map<string, Set<RegisteredWatcher>>();
  private queuedWatchers: RegisteredWatcher[] = [];
  private queuedEvents: StoreEvent[] = [];
  private registered = 0;

  get count(): number {
    return this.registered;
  }

  /** Number of distinct watched paths (for leak checks). */
  get watchedKeys(): number {
    return this.byKey.size;
  }

  register(
    key: string,
    recursive: boolean,
    stream: boolean,
    sinceIndex: number,
    onEvent: EventCallback,
    onCleared: ClearedCallback | undefined,
  ): StoreWatcher {
    const w = new RegisteredWatcher(this, key, recursive, stream, sinceIndex, onEvent, onCleared);
    let watchers = this.byKey.get(key);
    if (watchers === undefined) {
      watchers = new Set();
      this.byKey.set(key, watchers);
    }
    watchers.add(w);
    this.registered++;
    return w;
  }

  unregister(w: RegisteredWatcher): void {
    if (w.removed) return;
    w.removed = true;
    const watchers = this.byKey.get(w.key)!;
    watchers.delete(w);
    if (watchers.size === 0) this.byKey.delete(w.key);
    this.registered--;
  }

  /**
   * etcd's notify: the watchers at "/", at every ancestor of the event's key and at the key.
   * An ancestor's watchers see it only when recursive and when nothing hidden lies between.
   */
  matchEvent(ev: StoreEvent): void {
    if (this.registered === 0) return;
    const key = ev.node.key!;
    this.matchAt(ev, '/', false);
    for (let i = 1; i < key.length; i++) if (key.charCodeAt(i) === 0x2f) this.matchAt(ev, key.slice(0, i), false);
    if (key.length > 1) this.matchAt(ev, key, false);
  }

  /**
   * etcd's notifyWatchers for one path. `deleted` marks a path removed by this event (inside a
   * deleted or expired directory): its watchers are told even when not recursive. As in etcd, a
   * stream watcher on a deleted key hears of it twice: here, and again from matchEvent.
   */
  matchAt(ev: StoreEvent, path: string, deleted: boolean): void {
    const watchers = this.byKey.get(path);
    if (watchers === undefined) return;
    const atKey = ev.node.key === path;
    if (!atKey && isHiddenBelow(path, ev.node.key!)) return;
    for (const w of watchers) {
      if (!(w.recursive || atKey || deleted) || ev.etcdIndex < w.sinceIndex) continue;
      this.queuedWatchers.push(w);
      this.queuedEvents.push(ev);
      if (!w.stream) this.unregister(w);
    }
  }

  /** Hands every matched event to its watcher. A stream watcher removed meanwhile gets nothing more. */
  deliver(): void {
    if (this.queuedWatchers.length === 0) return;
    const watchers = this.queuedWatchers;
    const events = this.queuedEvents;
    this.queuedWatchers = [];
    this.queuedEvents = [];
    for (let i = 0; i < watchers.length; i++) {
      const w = watchers[i]!;
      if (w.stream && w.removed) continue;
      w.onEvent(events[i]!);
    }
  }

  /**
   * After the store jumped ahead (a snapshot was installed): each watcher, from `seenFrom` or its
   * own later start, gets the events the history holds for it — a one-shot the first, a stream
   * all — or, when they have left the history, is dropped and told through onCleared. The rest
   * stay registered for the next matching write.
   */
  resume(seenFrom: number, scan: HistoryScan): void {
    const all = [...this.byKey.values()].flatMap((watchers) => [...watchers]);
    const cleared: [RegisteredWatcher, EtcdError][] = [];
    for (const w of all) {
      try {
        for (let ev = scan(w.key, w.recursive, Math.max(seenFrom, w.sinceIndex)); ev !== undefined; ev = scan(w.key, w.recursive, ev.etcdIndex + 1)) {
          this.queuedWatchers.push(w);
          this.queuedEvents.push(ev);
          if (!w.stream) {
            this.unregister(w);
            break;
          }
        }
      } catch (err) {
        if (!(err instanceof EtcdError)) throw err;
        this.unregister(w);
        cleared.push([w, err]);
      }
    }
    this.deliver();
    for (const [w, err] of cleared) w.onCleared?.(err);
  }
}

/**
 * A watch answered from history: it is never registered, and its one event arrives on a
 * microtask, after watch() has returned its handle (as etcd's buffered channel hands it over).
 * A stream watch answered this way gets that one event and nothing more, as in etcd.
 */
export function answeredWatcher(ev: StoreEvent, onEvent: EventCallback): StoreWatcher {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) onEvent(ev);
  });
  return {
    remove() {
      cancelled = true;
    },
  };
}
