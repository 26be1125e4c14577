import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { follow, type LiveState, type Source } from "./live";

/** An EventSource the test drives. */
class FakeSource implements Source {
  readyState = 0;
  closed = false;
  private listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data = "", lastEventId = "") {
    if (type === "open") this.readyState = 1;
    for (const listener of this.listeners.get(type) ?? []) {
      listener(new MessageEvent(type, { data, lastEventId }));
    }
  }
  /** The browser drops the line and reconnects by itself (`Last-Event-ID`). */
  drop() {
    this.readyState = 0;
    this.emit("error");
  }
  /** The browser gives up (an answer that is not a stream). */
  fail() {
    this.readyState = 2;
    this.emit("error");
  }
}

describe("following a stream", () => {
  let sources: FakeSource[];
  let states: LiveState[];
  const open = (url: string) => {
    const source = new FakeSource(url);
    sources.push(source);
    return source;
  };
  beforeEach(() => {
    sources = [];
    states = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("hands over each named event's JSON with its id", () => {
    const seen: unknown[] = [];
    follow(
      "/s",
      ["request", "activity"],
      {
        onEvent: (name, data, id) => seen.push([name, data, id]),
        closed: async () => false,
      },
      open,
    );
    sources[0]?.emit("request", '{"status":"NEW"}', "p1");
    sources[0]?.emit("activity", "not json", "p2");
    sources[0]?.emit("other", "{}", "p3");
    expect(seen).toEqual([["request", { status: "NEW" }, "p1"]]);
  });

  it("leaves a dropped line to the browser, which resumes it", () => {
    let asked = 0;
    follow(
      "/s",
      [],
      {
        onEvent: () => {},
        onState: (s) => states.push(s),
        closed: async () => {
          asked += 1;
          return true;
        },
      },
      open,
    );
    sources[0]?.emit("open");
    sources[0]?.drop();
    sources[0]?.emit("open");
    expect(states).toEqual(["connecting", "live", "reconnecting", "live"]);
    expect(asked).toBe(0);
    expect(sources).toHaveLength(1);
  });

  it("opens a new stream when the browser gave up and the page says so, with a growing wait", async () => {
    const answers = [true, true, false];
    follow(
      "/s",
      [],
      {
        onEvent: () => {},
        onState: (s) => states.push(s),
        closed: async () => answers.shift() ?? false,
      },
      open,
    );
    sources[0]?.fail();
    await vi.advanceTimersByTimeAsync(999);
    expect(sources).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(2);
    expect(sources[0]?.closed).toBe(true);
    sources[1]?.fail();
    await vi.advanceTimersByTimeAsync(2_999);
    expect(sources).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(3);
    sources[2]?.fail();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sources).toHaveLength(3);
    expect(states.at(-1)).toBe("stopped");
  });

  it("stops for good when the page leaves", async () => {
    const stop = follow("/s", [], { onEvent: () => {}, closed: async () => true }, open);
    sources[0]?.fail();
    stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sources).toHaveLength(1);
    expect(sources[0]?.closed).toBe(true);
  });
});
