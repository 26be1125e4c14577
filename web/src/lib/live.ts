// Following a live stream (server-sent events). The browser's EventSource reconnects by itself
// after a dropped connection, sending the last event's id as `Last-Event-ID`, so the server
// goes on where it was. When the browser gives up instead (an answer that is not a stream: the
// session expired, or 204 for a request that is final), `closed` decides whether to open a
// new stream, after the page has caught up by other means.

export type LiveState = "connecting" | "live" | "reconnecting" | "stopped";

export interface Follow {
  /** Each named event with its parsed JSON data and its id. */
  onEvent: (name: string, data: unknown, id: string) => void;
  onState?: (state: LiveState) => void;
  /** The browser gave up on the stream: resolve `true` to open a new one. */
  closed: () => Promise<boolean>;
}

/** The part of `EventSource` we use, so tests can give their own. */
export interface Source {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}
export type SourceFactory = (url: string) => Source;

const CLOSED = 2;
/** Waits before a new stream after the browser gave up, growing to a minute. */
const BACKOFF_MS = [1_000, 3_000, 10_000, 30_000, 60_000];

export function follow(
  url: string,
  events: readonly string[],
  handlers: Follow,
  open: SourceFactory = (u) => new EventSource(u, { withCredentials: true }),
): () => void {
  let source: Source | null = null;
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const state = (s: LiveState) => handlers.onState?.(s);

  const start = () => {
    if (stopped) return;
    state("connecting");
    const current = open(url);
    source = current;
    current.addEventListener("open", () => {
      failures = 0;
      state("live");
    });
    for (const name of events) {
      current.addEventListener(name, (event) => {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        handlers.onEvent(name, data, event.lastEventId);
      });
    }
    current.addEventListener("error", () => {
      if (stopped || source !== current) return;
      if (current.readyState !== CLOSED) {
        state("reconnecting");
        return;
      }
      current.close();
      source = null;
      state("reconnecting");
      void handlers.closed().then(
        (again) => schedule(again),
        () => schedule(true),
      );
    });
  };

  const schedule = (again: boolean) => {
    if (stopped) return;
    if (!again) {
      state("stopped");
      return;
    }
    const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 60_000;
    failures += 1;
    timer = setTimeout(start, wait);
  };

  start();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    source?.close();
    source = null;
    state("stopped");
  };
}
